//! Chapter 10: a pool of four threads answers `/` while `/sleep` runs, and
//! runs at most four requests at once.

use super::{SLEEP, serve};
use check::{Target, claims};
use testkit::spawn_server;

fn server() -> Target {
    Target::new(spawn_server(serve)).sleep(SLEEP)
}

#[test]
fn a_fast_request_does_not_wait_for_slow_ones() {
    claims::ROOT_NOT_HELD_UP.assert_holds(&server());
}

#[test]
fn four_threads_run_four_requests_at_once_and_no_more() {
    // Five requests for `/sleep` at once: four threads answer four of them
    // after one sleep, and the fifth after two. A pool of three would answer
    // only three after one sleep, a pool of five all five.
    claims::FOUR_AT_A_TIME.assert_holds(&server());
}
