//! Chapter 4: every request gets hello.html, with its exact length.

use super::handle_connection;
use check::{Target, claims};
use testkit::serve;

#[test]
fn sends_hello_html_with_its_length() {
    let addr = serve(handle_connection);
    claims::HELLO_FOR_ROOT.assert_holds(&Target::new(addr));
}

#[test]
fn still_sends_hello_html_for_any_path() {
    // Not what we want in the end: chapter 5 fixes it.
    let addr = serve(handle_connection);
    claims::HELLO_FOR_ANY_PATH.assert_holds(&Target::new(addr));
}
