//! Chapter 7: `cargo run -p ch07-sleep` still serves `/` on 127.0.0.1:7878.

use testkit::{Binary, HELLO_HTML, assert_bytes, get, on_own_loopback, page_response};

#[test]
fn serves_hello_html() {
    on_own_loopback(|| {
        let server = Binary::start(env!("CARGO_BIN_EXE_ch07-sleep"));
        assert_bytes(
            &get(server.addr(), "/"),
            &page_response("HTTP/1.1 200 OK", HELLO_HTML),
        );
    });
}
