//! Chapter 8: with a thread per connection, a slow request delays nobody, and
//! a client that hangs up without a word only ends its own thread.

use super::{SLEEP, serve};
use testkit::{
    HELLO_HTML, assert_bytes, get, page_response, send_and_hang_up, spawn_server, start_get,
    time_root_behind_sleeps,
};

#[test]
fn a_fast_request_does_not_wait_for_a_slow_one() {
    let addr = spawn_server(serve);
    let took = time_root_behind_sleeps(addr, 1);
    assert!(
        took < SLEEP / 2,
        "`/` took {took:?}: it waited for `/sleep` ({SLEEP:?})"
    );
}

#[test]
fn many_slow_requests_run_at_the_same_time() {
    let addr = spawn_server(serve);
    let slow: Vec<_> = (0..8).map(|_| start_get(addr, "/sleep")).collect();
    for request in slow {
        let (_, took) = request.wait();
        // One after the other, the last would take eight sleeps.
        assert!(took < SLEEP * 2, "a /sleep took {took:?}");
    }
}

#[test]
fn a_client_that_hangs_up_without_a_word_no_longer_stops_the_server() {
    let addr = spawn_server(serve);
    // The panic ends the thread of that connection only.
    assert_eq!(send_and_hang_up(addr, b""), b"");
    assert_bytes(
        &get(addr, "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}
