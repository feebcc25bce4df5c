//! Chapter 4: every request gets hello.html, with its exact length.

use super::handle_connection;
use testkit::{HELLO_HTML, assert_bytes, get, page_response, serve};

#[test]
fn sends_hello_html_with_its_length() {
    let addr = serve(handle_connection);
    assert_bytes(
        &get(addr, "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}

#[test]
fn still_sends_hello_html_for_any_path() {
    // Not what we want in the end: chapter 5 fixes it.
    let addr = serve(handle_connection);
    assert_bytes(
        &get(addr, "/no-such-page"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}
