//! Exercise 4: a count of the requests served, at `/stats`.
//! From `steps/`: `cargo test -p ex4-stats`.
//!
//! The `goal_…` tests fail until the count is there; make them pass in
//! order (`cargo test -p ex4-stats goal_1` runs the first one only). The
//! `still_…` tests pass from the start: they guard what must not break. The
//! solution, `ex4-stats-solution`, runs this very file.

use super::serve;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread;
use testkit::{
    HELLO_HTML, Response, assert_bytes, get, page_response, send_and_hang_up, spawn_server,
};

/// A server of our own on an ephemeral port, with a count of its own.
fn server() -> SocketAddr {
    spawn_server(|listener| serve(listener, &Arc::new(AtomicBool::new(false))))
}

/// What `GET /stats` shows: the `N` of `served: N`.
#[track_caller]
fn stats(addr: SocketAddr) -> String {
    let response = Response::parse(&get(addr, "/stats"));
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
    response.text().to_string()
}

#[test]
fn goal_1_stats_shows_served_1_on_a_new_server() {
    // The request for `/stats` counts too.
    assert_eq!(stats(server()), "served: 1\n");
}

#[test]
fn goal_2_stats_is_plain_text_with_its_length() {
    let response = Response::parse(&get(server(), "/stats"));
    assert_eq!(response.header("Content-Type"), "text/plain; charset=utf-8");
    assert_eq!(
        response.header("Content-Length"),
        response.body.len().to_string()
    );
}

#[test]
fn goal_3_every_request_counts() {
    let addr = server();
    get(addr, "/");
    get(addr, "/missing");
    assert_eq!(stats(addr), "served: 3\n");
    assert_eq!(stats(addr), "served: 4\n");
}

#[test]
fn goal_4_a_client_that_hangs_up_without_a_request_does_not_count() {
    // The spare connections of browsers, and our own wake-up connection of
    // chapter 11, are not requests.
    let addr = server();
    for _ in 0..5 {
        send_and_hang_up(addr, b"");
    }
    assert_eq!(stats(addr), "served: 1\n");
}

#[test]
fn goal_5_requests_at_the_same_time_are_all_counted() {
    // The four workers add to the count at the same moment, many times.
    const CLIENTS: usize = 8;
    const EACH: usize = 25;
    let addr = server();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            thread::spawn(move || {
                for _ in 0..EACH {
                    get(addr, "/");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    assert_eq!(stats(addr), format!("served: {}\n", CLIENTS * EACH + 1));
}

#[test]
fn goal_6_each_server_has_a_count_of_its_own() {
    // Tests run side by side, each with a server of its own, as `serve`
    // would run twice in one program: a count in a `static` would mix them up.
    let one = server();
    let other = server();
    for _ in 0..3 {
        get(one, "/");
    }
    assert_eq!(stats(other), "served: 1\n");
    assert_eq!(stats(one), "served: 4\n");
}

#[test]
fn still_serves_hello_html() {
    assert_bytes(
        &get(server(), "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}
