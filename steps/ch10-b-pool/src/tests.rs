//! Chapter 10: a pool of four threads answers `/` while `/sleep` runs, and
//! runs at most four requests at once.

use super::{SLEEP, serve};
use testkit::{HELLO_HTML, assert_bytes, page_response, spawn_server, start_get};

#[test]
fn a_fast_request_does_not_wait_for_slow_ones() {
    let addr = spawn_server(serve);
    let slow = [start_get(addr, "/sleep"), start_get(addr, "/sleep")];
    let fast = start_get(addr, "/");

    let (response, fast_took) = fast.wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    assert!(
        fast_took < SLEEP / 2,
        "`/` took {fast_took:?}: it waited for `/sleep` ({SLEEP:?})"
    );
    for request in slow {
        request.wait();
    }
}

#[test]
fn four_threads_run_four_requests_at_once_and_no_more() {
    let addr = spawn_server(serve);
    let first_four: Vec<_> = (0..4).map(|_| start_get(addr, "/sleep")).collect();
    let fifth = start_get(addr, "/sleep");

    for request in first_four {
        let (_, took) = request.wait();
        assert!(took < SLEEP * 2, "one of the first four took {took:?}");
    }
    // The fifth waits in the queue until a thread is free.
    let (_, took) = fifth.wait();
    assert!(
        took >= SLEEP * 18 / 10,
        "the fifth took {took:?}: it should have waited for a free thread"
    );
}
