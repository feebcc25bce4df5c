//! Exercise 8: when it stops, the server names its slowest answer, after
//! its counts. From `steps/`: `cargo test -p ex8-slowest`.
//!
//! The tests run the server as `cargo run -p ex8-slowest` does, send it a
//! few requests (one of them for `/sleep`, five seconds), and stop it with
//! Ctrl-C (SIGINT).
//!
//! The `goal_…` tests fail until the line is there; make them pass in
//! order (`cargo test -p ex8-slowest goal_1` runs the first one only).
//! The `still_…` tests pass from the start: they guard what must not break.
//! The solution, `ex8-slowest-solution`, runs this very file.
#![cfg(target_os = "linux")]

use check::log::Line;
use std::thread;
use std::time::Duration;
use testkit::{Binary, check_binary, get, on_own_loopback};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex8-slowest"),
    option_env!("CARGO_BIN_EXE_ex8-slowest-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex8-slowest"),
};

/// Stops the server with Ctrl-C, and hands back what it printed on
/// standard output after its first line.
fn stop(mut server: Binary) -> Vec<String> {
    // The line of the last answer may come a moment after it.
    thread::sleep(Duration::from_millis(200));
    server.signal("INT");
    let (status, stderr) = server.wait_for_exit();
    assert!(status.success(), "exit status {status}, stderr: {stderr}");
    server.rest_of_output()
}

/// The line just before "Goodbye.", which should start with `Slowest:`
/// and the spaces that line it up with the counts; what follows them.
#[track_caller]
fn slowest(output: &[String]) -> &str {
    let lines: Vec<&str> = output.iter().map(String::as_str).collect();
    let shown = || lines.join("\n");
    let [.., before, last] = lines[..] else {
        panic!("the server printed too little:\n{}", shown());
    };
    assert_eq!(last, "Goodbye.", "the server printed:\n{}", shown());
    before.strip_prefix("Slowest:   ").unwrap_or_else(|| {
        panic!(
            "the line before \"Goodbye.\" should start with \"Slowest:   \" \
             (eleven characters, as \"Accepted:  \"); the server printed:\n{}",
            shown()
        )
    })
}

#[test]
fn goal_1_it_names_its_slowest_answer() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        get(server.addr(), "/");
        get(server.addr(), "/sleep");
        get(server.addr(), "/nothing-here");
        let output = stop(server);
        let named = slowest(&output);
        let line = Line::parse(named).unwrap_or_else(|| {
            panic!("after \"Slowest:   \" should come a log line, not {named:?}")
        });
        assert_eq!(
            (line.method.as_str(), line.target.as_str(), line.status),
            ("GET", "/sleep", 200),
            "{named}"
        );
        assert!(
            line.took >= Duration::from_secs(5) && line.took < Duration::from_secs(7),
            "{named}"
        );
        // The very line that the server logged for that answer.
        assert!(
            output.iter().any(|logged| logged == named),
            "{named:?} is not one of the log lines:\n{}",
            output.join("\n")
        );
    });
}

#[test]
fn goal_2_a_server_that_answered_nothing_says_none() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        assert_eq!(slowest(&stop(server)), "none");
    });
}

/// Two answers that end at the same moment: the slowest is still the
/// slowest, whichever worker logs first.
#[test]
fn goal_3_many_answers_at_once() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let addr = server.addr();
        let sleeps: Vec<_> = (0..3)
            .map(|_| thread::spawn(move || get(addr, "/sleep")))
            .collect();
        for _ in 0..200 {
            get(addr, "/");
        }
        for sleep in sleeps {
            sleep.join().unwrap();
        }
        let output = stop(server);
        let named = slowest(&output);
        let line = Line::parse(named).unwrap_or_else(|| {
            panic!("after \"Slowest:   \" should come a log line, not {named:?}")
        });
        assert_eq!(line.target, "/sleep", "{named}");
        let longest = output
            .iter()
            .filter_map(|logged| Line::parse(logged))
            .map(|logged| logged.took)
            .max();
        assert_eq!(Some(line.took), longest, "{}", output.join("\n"));
    });
}

/// Chapter 20's claims still hold: the log, the counts, the panics, and
/// everything before them.
#[test]
fn still_it_passes_chapter_20s_check() {
    check_binary(SERVER, 20, &[]);
}
