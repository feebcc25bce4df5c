//! Chapter 2: `cargo run -p ch02-read-request` prints each request it reads,
//! exactly as the chapter shows.

use testkit::{Binary, curl_request, on_own_loopback, send, transcript};

#[test]
fn prints_the_request_as_the_chapter_shows() {
    on_own_loopback(|| {
        let server = Binary::start(env!("CARGO_BIN_EXE_ch02-read-request"));
        send(server.addr(), curl_request("/").as_bytes());

        // `{:#?}` prints "[", then one line of the request per line, then "]".
        let mut printed = String::new();
        loop {
            let line = server.next_line();
            printed.push_str(&line);
            printed.push('\n');
            if line == "]" {
                break;
            }
        }
        transcript(env!("CARGO_MANIFEST_DIR"), "request", &printed);
    });
}
