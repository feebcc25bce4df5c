//! Exercise 11: once the server stops, it waits eight seconds at most for
//! the requests at the pool; then it gives up on them, says how many, and
//! exits with status 1. From `steps/`: `cargo test -p ex11-stop-deadline`.
//!
//! The tests run the server as `cargo run -p ex11-stop-deadline` does, give
//! it requests for `/sleep` (five seconds each, four at a time), and stop it
//! with `SIGTERM`, as `docker stop` does, or with Ctrl-C (SIGINT).
//!
//! The `goal_…` tests fail until the deadline is there; make them pass in
//! order (`cargo test -p ex11-stop-deadline goal_1` runs the first one
//! only). The `still_…` tests pass from the start: they guard what must not
//! break. The solution, `ex11-stop-deadline-solution`, runs this very file.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use testkit::{Binary, HELLO_HTML, check_binary, curl_request, on_own_loopback};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex11-stop-deadline"),
    option_env!("CARGO_BIN_EXE_ex11-stop-deadline-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex11-stop-deadline"),
};

/// How long the server may take to give up, from the signal: its eight
/// seconds, and a wide margin for a busy machine.
const PATIENCE: Duration = Duration::from_secs(14);

/// Sends `count` requests for `/sleep`, each on a connection of its own, a
/// moment apart, and reads their answers in the background: each thread
/// says whether its client got the whole page.
fn sleeps(addr: SocketAddr, count: usize) -> Vec<JoinHandle<bool>> {
    let clients = (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).expect("cannot connect");
            stream
                .write_all(curl_request("/sleep").as_bytes())
                .expect("cannot send the request");
            thread::sleep(Duration::from_millis(20));
            thread::spawn(move || {
                // Longer than any stop: the server ends each connection.
                stream
                    .set_read_timeout(Some(Duration::from_secs(40)))
                    .unwrap();
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                answer.starts_with(b"HTTP/1.1 200 OK\r\n")
                    && answer.ends_with(HELLO_HTML.as_bytes())
            })
        })
        .collect();
    // Every request is at the pool: at a worker, or in its queue.
    thread::sleep(Duration::from_millis(500));
    clients
}

/// How many of the clients of [`sleeps`] got no whole answer.
fn unanswered(clients: Vec<JoinHandle<bool>>) -> usize {
    clients
        .into_iter()
        .map(|client| client.join().expect("a client thread panicked"))
        .filter(|whole| !whole)
        .count()
}

/// The line in `output` that says the server gave up, if there is one.
fn gave_up(output: &[String]) -> Option<&str> {
    output
        .iter()
        .map(String::as_str)
        .find(|line| line.starts_with("Gave up"))
}

#[test]
fn goal_1_it_gives_up_eight_seconds_after_the_signal() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        // Four at the workers and twelve in the queue: four rounds of five
        // seconds, twenty in all.
        let clients = sleeps(server.addr(), 16);
        let signalled = Instant::now();
        server.signal("TERM");
        let Some((status, stderr)) = server.exit_within(PATIENCE) else {
            panic!(
                "the server still runs {PATIENCE:?} after SIGTERM, with sixteen requests \
                 for /sleep at the pool, twenty seconds of work for four workers: it should \
                 give up on them 8s after the signal"
            )
        };
        let took = signalled.elapsed();
        let output = server.rest_of_output();
        let shown = output.join("\n");
        assert!(
            took >= Duration::from_secs(7),
            "the server ended {took:?} after SIGTERM: it should wait 8s for the requests at \
             the pool before it gives up on them; it printed:\n{shown}"
        );
        let line = gave_up(&output).unwrap_or_else(|| {
            panic!("the server printed no line \"Gave up after 8s: …\"; it printed:\n{shown}")
        });
        let abandoned = unanswered(clients);
        assert_eq!(
            line,
            format!("Gave up after 8s: abandoned {abandoned} requests."),
            "{abandoned} of the sixteen clients got no answer; the server printed:\n{shown}"
        );
        assert_eq!(
            status.code(),
            Some(1),
            "a server that gives up on requests exits with status 1, not {status}; \
             its stderr: {stderr}"
        );
    });
}

#[test]
fn goal_2_one_request_is_one_request() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        // Four at the workers, and one more behind them: ten seconds.
        let clients = sleeps(server.addr(), 5);
        let signalled = Instant::now();
        server.signal("TERM");
        let Some((status, _)) = server.exit_within(PATIENCE) else {
            panic!("the server still runs {PATIENCE:?} after SIGTERM")
        };
        let took = signalled.elapsed();
        let output = server.rest_of_output();
        let shown = output.join("\n");
        let line = gave_up(&output).unwrap_or_else(|| {
            panic!(
                "the server printed no line \"Gave up after 8s: …\": it waited {took:?} \
                 after SIGTERM, and the fifth /sleep was still in progress after 8s; \
                 it printed:\n{shown}"
            )
        });
        assert_eq!(line, "Gave up after 8s: abandoned 1 request.", "{shown}");
        assert_eq!(unanswered(clients), 1, "{shown}");
        assert_eq!(status.code(), Some(1), "exit status {status}");
    });
}

/// A stop that is over before the deadline is the graceful stop of chapter
/// 19: every request answered, `Goodbye.` and status 0, and no waiting for
/// the deadline.
#[test]
fn still_a_stop_in_time_says_goodbye() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let clients = sleeps(server.addr(), 2);
        let signalled = Instant::now();
        server.signal("TERM");
        let Some((status, stderr)) = server.exit_within(PATIENCE) else {
            panic!("the server still runs {PATIENCE:?} after SIGTERM, with two sleeps to answer")
        };
        let took = signalled.elapsed();
        let output = server.rest_of_output();
        let shown = output.join("\n");
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(
            took < Duration::from_secs(7),
            "the stop took {took:?} for two sleeps of five seconds, which began before it: \
             it should not wait for the deadline once every request is answered"
        );
        assert_eq!(unanswered(clients), 0, "{shown}");
        assert_eq!(
            output.last().map(String::as_str),
            Some("Goodbye."),
            "{shown}"
        );
        assert_eq!(gave_up(&output), None, "{shown}");
    });
}

#[test]
fn still_an_idle_server_stops_at_once() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let signalled = Instant::now();
        server.signal("INT");
        let Some((status, stderr)) = server.exit_within(PATIENCE) else {
            panic!("the server still runs {PATIENCE:?} after Ctrl-C, with nothing to do")
        };
        let took = signalled.elapsed();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(took < Duration::from_secs(2), "the stop took {took:?}");
    });
}

/// The second Ctrl-C is heard at once, deadline or not.
#[test]
fn still_a_second_signal_stops_at_once() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let _clients = sleeps(server.addr(), 1);
        let signalled = Instant::now();
        server.signal("INT");
        server.wait_for_line(|line| line.starts_with("Stopping:"));
        server.signal("INT");
        let Some((status, _)) = server.exit_within(PATIENCE) else {
            panic!("the server still runs {PATIENCE:?} after a second Ctrl-C")
        };
        let took = signalled.elapsed();
        assert_eq!(status.code(), Some(130), "exit status {status}");
        assert!(
            took < Duration::from_secs(2),
            "the second Ctrl-C took {took:?} to stop the server: the handler of the \
             first must not wait for the deadline itself"
        );
    });
}

/// Chapter 19's claims still hold: among them, that a stop under load
/// answers every request it has, sleeps included.
#[test]
fn still_it_passes_chapter_19s_check() {
    check_binary(SERVER, 19, &[]);
}
