//! Chapter 5: `cargo run -p ch05-validate` as the chapter shows it, including
//! the way one silent client brings the whole server down.

use std::net::TcpStream;
use testkit::{Binary, as_curl_shows, check_binary, get, on_own_loopback, transcript};

const SERVER: &str = env!("CARGO_BIN_EXE_ch05-validate");

#[test]
fn curl_shows_hello_and_not_found() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let hello = get(server.addr(), "/");
        transcript(env!("CARGO_MANIFEST_DIR"), "curl-i", &as_curl_shows(&hello));
        let missing = get(server.addr(), "/missing");
        transcript(
            env!("CARGO_MANIFEST_DIR"),
            "curl-i-404",
            &as_curl_shows(&missing),
        );
    });
}

#[test]
fn a_client_that_hangs_up_without_a_word_kills_the_server() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        // Connect and hang up without a word.
        drop(TcpStream::connect(server.addr()).unwrap());
        let (status, stderr) = server.wait_for_exit();
        assert!(!status.success(), "the server should have crashed");
        assert!(
            stderr.contains("panicked") && stderr.contains("on a `None` value"),
            "unexpected stderr: {stderr}"
        );
    });
}

#[test]
fn passes_chapter_5s_check() {
    check_binary(SERVER, 5, &[]);
}
