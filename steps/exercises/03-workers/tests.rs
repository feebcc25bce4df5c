//! Exercise 3: the size of the pool from `--workers N` or `WORKERS=N`.
//! From `steps/`: `cargo test -p ex3-workers`.
//!
//! The tests run the server as `cargo run -p ex3-workers -- --workers 2`
//! does, and count its workers from outside: a client that connects and
//! says nothing holds a worker (chapter 12), so with N workers, N such
//! clients make the next request wait, and N - 1 do not.
//!
//! The `goal_…` tests fail until the option is there; make them pass in
//! order (`cargo test -p ex3-workers goal_1` runs the first one only). The
//! `still_…` tests pass from the start: they guard what must not break. The
//! solution, `ex3-workers-solution`, runs this very file.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use testkit::{
    Binary, HELLO_HTML, TIMEOUT, assert_bytes, curl_request, on_own_loopback, page_response,
    try_send,
};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex3-workers"),
    option_env!("CARGO_BIN_EXE_ex3-workers-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex3-workers"),
};

/// Starts the server with `args` and, if `workers` is given, `WORKERS` set to it.
fn start(args: &[&str], workers: Option<&str>) -> Binary {
    Binary::start_with(SERVER, |command| {
        command.args(args).env_remove("WORKERS");
        if let Some(workers) = workers {
            command.env("WORKERS", workers);
        }
    })
}

/// Asserts that `server` answers exactly `n` requests at once.
#[track_caller]
fn assert_workers(server: &Binary, n: usize) {
    let addr = server.addr();
    // They are accepted and handed to the pool in the order they connect.
    let mut silent: Vec<TcpStream> = (0..n - 1)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // One worker is left: a request is answered.
    match try_send(addr, curl_request("/").as_bytes()) {
        Ok(response) => assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML)),
        Err(e) => panic!(
            "expected {n} workers, but there are fewer: while {} silent clients hold {} \
             workers, `GET /` should still be answered, and it was not ({e})",
            n - 1,
            n - 1
        ),
    }
    // None is left: a request waits.
    silent.push(TcpStream::connect(addr).unwrap());
    let mut waiting = TcpStream::connect(addr).unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    waiting.write_all(curl_request("/").as_bytes()).unwrap();
    match waiting.read(&mut [0; 1]) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        Ok(0) => panic!("the server closed a waiting connection instead of leaving it queued"),
        Ok(_) => panic!(
            "expected {n} workers, but there are more: while {n} silent clients hold {n} \
             workers, one more `GET /` should wait, and it was answered within 1 s"
        ),
        Err(e) => panic!("reading failed: {e}"),
    }
}

/// Runs the server with `args` and `WORKERS`, which it must refuse; returns
/// what it wrote to stderr.
#[track_caller]
fn refused(args: &[&str], workers: Option<&str>) -> String {
    let mut command = Command::new(SERVER);
    command.args(args).env_remove("WORKERS");
    if let Some(workers) = workers {
        command.env("WORKERS", workers);
    }
    let mut child = command
        .current_dir(testkit::steps_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A server that started says so on its first line.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let first_line = thread::spawn(move || stdout.lines().next());
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if first_line.is_finished() {
            let line = first_line.join().unwrap();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the server started ({line:?}) instead of refusing {args:?}, WORKERS={workers:?}"
            );
        }
        assert!(
            Instant::now() < deadline,
            "the server neither started nor stopped"
        );
        thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        !status.success(),
        "{args:?}, WORKERS={workers:?}: the server stopped, but with success ({status})"
    );
    assert!(
        !stderr.contains("panicked"),
        "{args:?}, WORKERS={workers:?}: a panic is no message for a user:\n{stderr}"
    );
    stderr
}

#[test]
fn goal_1_two_workers_with_workers_2() {
    on_own_loopback(|| assert_workers(&start(&["--workers", "2"], None), 2));
}

#[test]
fn goal_2_three_workers_with_the_environment_variable_workers_3() {
    on_own_loopback(|| assert_workers(&start(&[], Some("3")), 3));
}

#[test]
fn goal_3_the_command_line_wins_over_the_environment() {
    on_own_loopback(|| assert_workers(&start(&["--workers", "1"], Some("3")), 1));
}

#[test]
fn goal_4_zero_or_junk_is_refused_with_a_message_that_names_it() {
    on_own_loopback(|| {
        for (args, workers, wrong) in [
            (&["--workers", "0"][..], None, "0"),
            (&["--workers", "many"][..], None, "many"),
            (&["--workers", "2.5"][..], None, "2.5"),
            (&[][..], Some("0"), "0"),
            (&[][..], Some("lots"), "lots"),
        ] {
            let stderr = refused(args, workers);
            assert!(
                stderr.contains(&format!("'{wrong}'")) || stderr.contains(&format!("\"{wrong}\"")),
                "the message should quote the wrong value, '{wrong}':\n{stderr}"
            );
            assert!(
                stderr.contains("--workers") || stderr.contains("WORKERS"),
                "the message should name the option or the variable:\n{stderr}"
            );
        }
    });
}

#[test]
fn still_four_workers_without_either() {
    on_own_loopback(|| assert_workers(&start(&[], None), 4));
}
