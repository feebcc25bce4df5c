//! Chapter 3: every request gets the same tiny, successful response.

use super::handle_connection;
use testkit::{assert_bytes, get, serve};

#[test]
fn answers_with_a_bare_status_line() {
    let addr = serve(handle_connection);
    assert_bytes(&get(addr, "/"), "HTTP/1.1 200 OK\r\n\r\n");
}

#[test]
fn answers_every_path_the_same_way() {
    let addr = serve(handle_connection);
    assert_bytes(&get(addr, "/anything"), "HTTP/1.1 200 OK\r\n\r\n");
}
