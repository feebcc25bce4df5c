//! Chapter 8: with a thread per connection, a slow request delays nobody, and
//! a client that hangs up without a word only ends its own thread.

use super::{SLEEP, serve};
use check::{Target, claims};
use testkit::spawn_server;

fn server() -> Target {
    Target::new(spawn_server(serve)).sleep(SLEEP)
}

#[test]
fn a_fast_request_does_not_wait_for_a_slow_one() {
    claims::ROOT_NOT_HELD_UP.assert_holds(&server());
}

#[test]
fn many_slow_requests_run_at_the_same_time() {
    claims::SLEEPS_SIDE_BY_SIDE.assert_holds(&server());
}

#[test]
fn a_client_that_hangs_up_without_a_word_no_longer_stops_the_server() {
    // The panic ends the thread of that connection only.
    claims::HANG_UP_DOES_NOT_STOP_THE_SERVER.assert_holds(&server());
}
