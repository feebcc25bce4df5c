//! Chapter 7: one slow request holds up every request behind it.

use super::{SLEEP, serve};
use testkit::{
    HELLO_HTML, assert_bytes, page_response, spawn_server, start_get, time_root_behind_sleeps,
};

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
    // `/sleep` first, then `/`: the server accepts them in this order. `/`
    // alone takes a millisecond; here it waits for most of the sleep.
    let took = time_root_behind_sleeps(addr, 1);
    assert!(
        took >= SLEEP * 8 / 10,
        "`/` took {took:?}: it should have waited for `/sleep` ({SLEEP:?})"
    );
}
