//! Chapter 6: the refactoring changes no byte of what the server sends.

use super::handle_connection;
use check::{Target, claims};
use testkit::{send_and_hang_up, serve, serve_one};

#[test]
fn root_gets_hello_html() {
    let addr = serve(handle_connection);
    claims::HELLO_FOR_ROOT.assert_holds(&Target::new(addr));
}

#[test]
fn other_paths_get_404_html() {
    let addr = serve(handle_connection);
    claims::NOT_FOUND_FOR_OTHER_PATHS.assert_holds(&Target::new(addr));
}

#[test]
fn only_an_exact_request_line_matches() {
    let addr = serve(handle_connection);
    claims::EXACT_REQUEST_LINE.assert_holds(&Target::new(addr));
}

#[test]
fn a_connection_without_a_request_line_still_panics() {
    // Refactoring changes the shape of the code, not this flaw.
    let (addr, handler) = serve_one(handle_connection);
    assert_eq!(send_and_hang_up(addr, b""), b"");
    assert!(
        handler.join().is_err(),
        "handle_connection should have panicked"
    );
}
