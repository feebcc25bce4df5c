//! Chapter 10: a pool of four threads answers `/` while `/sleep` runs, and
//! runs at most four requests at once.

use super::{SLEEP, serve};
use std::time::Duration;
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
    // Eight requests for `/sleep` at once: four threads answer four of them
    // after one sleep, and the other four after two. A pool of three would
    // answer only three after one sleep, a pool of five five.
    let requests: Vec<_> = (0..8).map(|_| start_get(addr, "/sleep")).collect();
    let took: Vec<Duration> = requests.into_iter().map(|r| r.wait().1).collect();
    let after_one_sleep = took.iter().filter(|t| **t < SLEEP * 3 / 2).count();
    assert_eq!(
        after_one_sleep, 4,
        "{after_one_sleep} requests were answered after one sleep ({took:?})"
    );
    assert!(
        took.iter().all(|t| *t < SLEEP * 5 / 2),
        "the others should take two sleeps: {took:?}"
    );
}
