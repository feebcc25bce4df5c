//! Chapter 6: the refactoring changes no byte of what the server sends.

use super::handle_connection;
use testkit::{
    HELLO_HTML, NOT_FOUND_HTML, assert_bytes, get, page_response, send_and_hang_up, serve,
    serve_one,
};

#[test]
fn root_gets_hello_html() {
    let addr = serve(handle_connection);
    assert_bytes(
        &get(addr, "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}

#[test]
fn other_paths_get_404_html() {
    let addr = serve(handle_connection);
    for path in ["/something-else", "/hello.html", "//", "/?"] {
        assert_bytes(
            &get(addr, path),
            &page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML),
        );
    }
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
