//! Chapter 7: one slow request holds up every request behind it.

use super::{SLEEP, serve};
use testkit::{HELLO_HTML, assert_bytes, page_response, spawn_server, start_get};

#[test]
fn sleep_answers_with_hello_html_after_sleeping() {
    let addr = spawn_server(serve);
    let (response, took) = start_get(addr, "/sleep").wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    assert!(took >= SLEEP, "/sleep took only {took:?}");
}

#[test]
fn a_fast_request_waits_behind_a_slow_one() {
    let addr = spawn_server(serve);
    // Sent in this order, the server accepts them in this order.
    let slow = start_get(addr, "/sleep");
    let fast = start_get(addr, "/");

    let (response, fast_took) = fast.wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    // `/` alone takes a millisecond; here it waits for most of the sleep.
    assert!(
        fast_took >= SLEEP * 8 / 10,
        "`/` took {fast_took:?}: it should have waited for `/sleep` ({SLEEP:?})"
    );
    slow.wait();
}
