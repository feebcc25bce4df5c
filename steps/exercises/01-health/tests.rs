//! Exercise 1: a `/health` route. From `steps/`: `cargo test -p ex1-health`.
//!
//! The `goal_…` tests fail until the route is there; make them pass in order
//! (`cargo test -p ex1-health goal_1` runs the first one only). The
//! `still_…` tests pass from the start: they guard what must not break.
//! The solution, `ex1-health-solution`, runs this very file.

use super::handle_connection;
use testkit::{
    HELLO_HTML, NOT_FOUND_HTML, Response, assert_bytes, get, page_response, send, serve,
};

#[test]
fn goal_1_health_answers_200_ok() {
    let addr = serve(handle_connection);
    let response = Response::parse(&get(addr, "/health"));
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
}

#[test]
fn goal_2_the_body_is_ok_and_a_line_break() {
    let addr = serve(handle_connection);
    let response = Response::parse(&get(addr, "/health"));
    assert_eq!(response.text(), "ok\n");
    assert_eq!(
        response.header("Content-Length"),
        "3",
        "Content-Length must be the length of the body, in bytes"
    );
}

#[test]
fn goal_3_the_body_is_plain_text() {
    let addr = serve(handle_connection);
    let response = Response::parse(&get(addr, "/health"));
    assert_eq!(response.header("Content-Type"), "text/plain; charset=utf-8");
}

#[test]
fn still_the_root_gets_hello_html() {
    let addr = serve(handle_connection);
    assert_bytes(
        &get(addr, "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}

#[test]
fn still_404_for_everything_else_even_what_looks_like_health() {
    let addr = serve(handle_connection);
    let not_found = page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML);
    for path in [
        "/missing",
        "/healthz",
        "/health/",
        "/Health",
        "/health?full",
    ] {
        assert_bytes(&get(addr, path), &not_found);
    }
    // Only `GET` is the health check.
    assert_bytes(
        &send(addr, b"POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        &not_found,
    );
}
