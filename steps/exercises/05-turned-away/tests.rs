//! Exercise 5: when it stops, the server says how many clients it turned
//! away with a `503`. From `steps/`: `cargo test -p ex5-turned-away`.
//!
//! The tests run the server as `cargo run -p ex5-turned-away` does, fill it
//! with clients that connect and say nothing (four hold the workers,
//! sixteen wait in the queue), send it requests that it must turn away, and
//! stop it with Ctrl-C (SIGINT).
//!
//! The `goal_…` tests fail until the count is there; make them pass in
//! order (`cargo test -p ex5-turned-away goal_1` runs the first one only).
//! The `still_…` tests pass from the start: they guard what must not break.
//! The solution, `ex5-turned-away-solution`, runs this very file.
#![cfg(unix)]

use std::net::TcpStream;
use std::thread;
use std::time::Duration;
use testkit::{
    Binary, HELLO_HTML, assert_bytes, busy_response, get, on_own_loopback, page_response,
};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex5-turned-away"),
    option_env!("CARGO_BIN_EXE_ex5-turned-away-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex5-turned-away"),
};

/// Twenty connections that say nothing, one after the other, with time
/// between them for the workers to take theirs: four workers wait for
/// them, and sixteen fill the queue. None of them is turned away.
fn fill(server: &Binary) -> Vec<TcpStream> {
    (0..20)
        .map(|_| {
            let stream = TcpStream::connect(server.addr()).unwrap();
            thread::sleep(Duration::from_millis(50));
            stream
        })
        .collect()
}

/// Sends `count` requests to a full server; each must get its `503`.
fn turn_away(server: &Binary, count: usize) {
    for _ in 0..count {
        assert_bytes(&get(server.addr(), "/"), &busy_response());
    }
}

/// Lets the silent clients go, stops the server with Ctrl-C, and hands
/// back what it printed on standard output after that.
fn stop(mut server: Binary, silent: Vec<TcpStream>) -> Vec<String> {
    drop(silent);
    // The workers see the silent clients hang up, and are free again.
    thread::sleep(Duration::from_millis(200));
    server.signal("INT");
    let (status, stderr) = server.wait_for_exit();
    assert!(status.success(), "exit status {status}, stderr: {stderr}");
    server.rest_of_output()
}

/// The line that should come just before "Goodbye.".
#[track_caller]
fn assert_says(output: &[String], expected: &str) {
    let lines: Vec<&str> = output.iter().map(String::as_str).collect();
    assert!(
        lines.ends_with(&[expected, "Goodbye."]),
        "the last two lines should be {expected:?} and \"Goodbye.\"; the server printed:\n{}",
        lines.join("\n")
    );
}

#[test]
fn goal_1_it_says_how_many_clients_it_turned_away() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let silent = fill(&server);
        turn_away(&server, 12);
        assert_says(&stop(server, silent), "Turned away 12 clients.");
    });
}

#[test]
fn goal_2_one_client_is_one_client() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let silent = fill(&server);
        turn_away(&server, 1);
        assert_says(&stop(server, silent), "Turned away 1 client.");
    });
}

#[test]
fn goal_3_requests_it_served_are_not_counted() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        for _ in 0..30 {
            assert_bytes(
                &get(server.addr(), "/"),
                &page_response("HTTP/1.1 200 OK", HELLO_HTML),
            );
        }
        assert_says(&stop(server, Vec::new()), "Turned away 0 clients.");
    });
}

#[test]
fn still_a_full_server_answers_503() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let silent = fill(&server);
        turn_away(&server, 3);
        let output = stop(server, silent);
        assert_eq!(output.last().map(String::as_str), Some("Goodbye."));
    });
}
