//! Chapter 3: `cargo run -p ch03-respond` answers on 127.0.0.1:7878 as `curl -i` shows.

use testkit::{Binary, as_curl_shows, check_binary, get, on_own_loopback, transcript};

const SERVER: &str = env!("CARGO_BIN_EXE_ch03-respond");

#[test]
fn curl_shows_the_status_line() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let response = get(server.addr(), "/");
        transcript(
            env!("CARGO_MANIFEST_DIR"),
            "curl-i",
            &as_curl_shows(&response),
        );
    });
}

#[test]
fn passes_chapter_3s_check() {
    check_binary(SERVER, 3, &[]);
}

#[test]
fn fails_chapter_4s_check_since_it_sends_no_page() {
    check_binary(SERVER, 4, &["hello-for-root", "hello-for-any-path"]);
}
