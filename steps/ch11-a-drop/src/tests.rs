//! Chapter 11: after its two connections, `serve` returns, and only once the
//! requests in progress have their complete answers.

use super::{SLEEP, serve};
use std::sync::mpsc;
use std::time::Instant;
use testkit::{HELLO_HTML, TIMEOUT, assert_bytes, page_response, spawn_server, start_get};

#[test]
fn serve_returns_after_two_requests_once_they_are_answered() {
    let (done, returned) = mpsc::channel();
    let addr = spawn_server(move |listener| {
        serve(listener);
        done.send(Instant::now()).unwrap();
    });
    let started = Instant::now();
    let slow = [start_get(addr, "/sleep"), start_get(addr, "/sleep")];

    let returned_at = returned
        .recv_timeout(TIMEOUT)
        .expect("serve did not return");
    // Returning means the pool was dropped: it waited for both sleeps.
    assert!(returned_at - started >= SLEEP, "serve returned too early");
    for request in slow {
        let (response, _) = request.wait();
        assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    }
}
