//! Exercise 6: a client that sends nothing at all is closed without a
//! `408` once its time is up, and the log says so. From `steps/`:
//! `cargo test -p ex6-quiet-close`.
//!
//! The tests run the server as `cargo run -p ex6-quiet-close` does, with the
//! chapter's five seconds for the head of a request, and stop it with
//! Ctrl-C (SIGINT).
//!
//! The `goal_…` tests fail until the change is there; make them pass in
//! order (`cargo test -p ex6-quiet-close goal_1` runs the first one only).
//! The `still_…` tests pass from the start: they guard what must not break.
//! The solution, `ex6-quiet-close-solution`, runs this very file.
#![cfg(unix)]

use check::{Target, claims};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};
use testkit::{Binary, HELLO_HTML, TIMEOUT, assert_bytes, on_own_loopback, page_response};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex6-quiet-close"),
    option_env!("CARGO_BIN_EXE_ex6-quiet-close-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex6-quiet-close"),
};

/// The chapter's time for the head of a request.
const HEAD_TIME: Duration = Duration::from_secs(5);

/// Connects, sends nothing, and reads until the server closes: what it sent,
/// and when it closed.
fn say_nothing(server: &Binary) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(HEAD_TIME + TIMEOUT)).unwrap();
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .expect("the server did not close the connection");
    (answer, start.elapsed())
}

/// Stops the server with Ctrl-C; what it printed on standard error.
fn stop(mut server: Binary) -> String {
    server.signal("INT");
    let (status, stderr) = server.wait_for_exit();
    assert!(status.success(), "exit status {status}, stderr: {stderr}");
    stderr
}

#[test]
fn goal_1_a_client_that_sends_nothing_is_closed_without_an_answer() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let (answer, took) = say_nothing(&server);
        assert!(
            answer.is_empty(),
            "the server sent {:?}: a client that sent nothing gets no answer",
            String::from_utf8_lossy(&answer)
        );
        assert!(
            took >= HEAD_TIME - Duration::from_millis(100),
            "closed after {took:?}: the client still had time to send"
        );
        stop(server);
    });
}

#[test]
fn goal_2_the_log_says_why_the_connection_was_closed() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        say_nothing(&server);
        let stderr = stop(server);
        assert!(
            stderr
                .lines()
                .any(|line| line == "Closed a connection that sent nothing within 5s."),
            "no line \"Closed a connection that sent nothing within 5s.\" on \
             standard error:\n{stderr}"
        );
        assert!(
            !stderr.contains("Timed out"),
            "the client that sent nothing was not timed out with a 408:\n{stderr}"
        );
    });
}

/// A client that sent part of its request still gets its `408`.
#[test]
fn still_half_a_request_line_gets_408() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        claims::SILENT_CLIENT_GETS_408.assert_holds(&Target::new(server.addr()));
        let stderr = stop(server);
        assert!(stderr.contains("Timed out"), "{stderr}");
    });
}

/// A client that takes its time, but less than the limit, is answered.
#[test]
fn still_a_client_that_waits_a_second_before_it_sends_is_answered() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        thread::sleep(Duration::from_secs(1));
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:7878\r\n\r\n")
            .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        assert_bytes(&answer, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
        stop(server);
    });
}
