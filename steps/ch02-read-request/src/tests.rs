//! Chapter 2: the server reads the request head, then closes without answering.
//! The claims are those that `cargo run -p check -- ch02` checks.

use super::handle_connection;
use check::{Target, claims};
use testkit::serve;

#[test]
fn reads_the_request_and_closes_without_an_answer() {
    let addr = serve(handle_connection);
    claims::NO_ANSWER.assert_holds(&Target::new(addr));
}

#[test]
fn waits_for_the_blank_line_that_ends_the_head() {
    let addr = serve(handle_connection);
    claims::WAITS_FOR_BLANK_LINE.assert_holds(&Target::new(addr));
}

#[test]
fn a_client_that_hangs_up_early_does_no_harm_yet() {
    let addr = serve(handle_connection);
    claims::HALF_LINE_HARMLESS.assert_holds(&Target::new(addr));
}
