//! Chapter 2: `cargo run -p ch02-read-request` prints each request it reads,
//! exactly as the chapter shows.

use testkit::{Binary, check_binary, curl_request, on_own_loopback, send, transcript};

const SERVER: &str = env!("CARGO_BIN_EXE_ch02-read-request");

#[test]
fn prints_the_request_as_the_chapter_shows() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
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

#[test]
fn passes_chapter_2s_check() {
    check_binary(SERVER, 2, &[]);
}

#[test]
fn fails_chapter_1s_check_since_it_waits_for_the_request() {
    check_binary(SERVER, 1, &["closes-at-once"]);
}

#[test]
fn fails_chapter_3s_check_since_it_does_not_answer() {
    check_binary(SERVER, 3, &["bare-status-line"]);
}
