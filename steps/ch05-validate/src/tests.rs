//! Chapter 5: `/` gets hello.html, anything else 404.html; a client that
//! sends no request line makes `handle_connection` panic.

use super::handle_connection;
use testkit::{
    HELLO_HTML, NOT_FOUND_HTML, assert_bytes, get, page_response, send, send_and_hang_up, serve,
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
fn only_an_exact_request_line_matches() {
    let addr = serve(handle_connection);
    for request_line in [
        "POST / HTTP/1.1",
        "GET / HTTP/1.0",
        "get / HTTP/1.1",
        "GET  / HTTP/1.1",
    ] {
        let request = format!("{request_line}\r\nHost: 127.0.0.1\r\n\r\n");
        assert_bytes(
            &send(addr, request.as_bytes()),
            &page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML),
        );
    }
}

#[test]
fn a_connection_without_a_request_line_panics() {
    // Naive on purpose: the chapter names this failure, Part III fixes it.
    let (addr, handler) = serve_one(handle_connection);
    assert_eq!(send_and_hang_up(addr, b""), b"");
    assert!(
        handler.join().is_err(),
        "handle_connection should have panicked"
    );
}
