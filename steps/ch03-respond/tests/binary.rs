//! Chapter 3: `cargo run -p ch03-respond` answers on 127.0.0.1:7878 as `curl -i` shows.

use testkit::{Binary, as_curl_shows, get, on_own_loopback, transcript};

#[test]
fn curl_shows_the_status_line() {
    on_own_loopback(|| {
        let server = Binary::start(env!("CARGO_BIN_EXE_ch03-respond"));
        let response = get(server.addr(), "/");
        transcript(
            env!("CARGO_MANIFEST_DIR"),
            "curl-i",
            &as_curl_shows(&response),
        );
    });
}
