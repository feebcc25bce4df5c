//! Chapter 4: `cargo run -p ch04-hello-html` serves hello.html as `curl -i` shows.

use testkit::{Binary, as_curl_shows, get, on_own_loopback, transcript};

#[test]
fn curl_shows_hello_html() {
    on_own_loopback(|| {
        let server = Binary::start(env!("CARGO_BIN_EXE_ch04-hello-html"));
        let response = get(server.addr(), "/");
        transcript(
            env!("CARGO_MANIFEST_DIR"),
            "curl-i",
            &as_curl_shows(&response),
        );
    });
}
