//! Chapter 11: `cargo run -p ch11-a-drop` answers two requests, then shuts
//! its pool down and exits, as the chapter shows.

use testkit::{
    Binary, HELLO_HTML, assert_bytes, get, on_own_loopback, page_response, transcript_any_order,
};

#[test]
fn answers_two_requests_then_shuts_down_cleanly() {
    on_own_loopback(|| {
        let mut server = Binary::start(env!("CARGO_BIN_EXE_ch11-a-drop"));
        for _ in 0..2 {
            assert_bytes(
                &get(server.addr(), "/"),
                &page_response("HTTP/1.1 200 OK", HELLO_HTML),
            );
        }
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");

        let output = server.rest_of_output();
        for id in 0..4 {
            assert!(output.contains(&format!("Shutting down worker {id}")));
            assert!(output.contains(&format!("Worker {id}: the channel is closed, stopping.")));
        }
        transcript_any_order(env!("CARGO_MANIFEST_DIR"), "shutdown", &output);
    });
}
