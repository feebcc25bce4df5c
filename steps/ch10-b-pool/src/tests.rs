//! Chapter 10: a pool of four threads answers `/` while `/sleep` runs, and
//! runs at most four requests at once.

use super::{SLEEP, serve};
use testkit::{spawn_server, start_get, time_root_behind_sleeps};

#[test]
fn a_fast_request_does_not_wait_for_slow_ones() {
    let addr = spawn_server(serve);
    let took = time_root_behind_sleeps(addr, 2);
    assert!(
        took < SLEEP / 2,
        "`/` took {took:?}: it waited for `/sleep` ({SLEEP:?})"
    );
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
