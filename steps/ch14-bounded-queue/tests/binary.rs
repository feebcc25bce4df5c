//! Chapter 14: `cargo run -p ch14-bounded-queue`, as a reader runs it. A
//! flood of clients gets a whole answer each, 200 or 503, and the server's
//! open files and memory stay within bounds; when the system has no file
//! left for a connection, the server says so and carries on.
//!
//! Unix only: the tests send signals and set the open-file limit; the
//! counts come from `/proc` (Linux).
#![cfg(target_os = "linux")]

use std::thread;
use std::time::Duration;
use testkit::{
    Binary, HELLO_HTML, ProcessStats, assert_bytes, busy_response, check_binary, curl_request,
    flood, get, on_own_loopback, page_response, start_get,
};

const SERVER: &str = env!("CARGO_BIN_EXE_ch14-bounded-queue");

/// The most connections the server holds: 4 workers, 16 in the queue, 16
/// turned-away ones that the closer waits for and 16 on their way to it
/// (the constants of `src/main.rs`), and one in the hands of the acceptor,
/// which has two files for it while it decides.
const MOST_FILES: usize = 4 + 16 + 16 + 16 + 2;

fn hello() -> String {
    page_response("HTTP/1.1 200 OK", HELLO_HTML)
}

/// What `cargo run -p check -- ch14 --pid <PID>` checks, Ctrl-C included.
/// (The server of chapter 13 fails the claim `busy-gets-503`: see
/// `steps/ch13-b-panics/tests/binary.rs`.)
#[test]
fn passes_chapter_14s_check() {
    check_binary(SERVER, 14, &[]);
}

/// The test of the chapter: four requests for `/sleep`, then 500 clients at
/// once. Each gets a whole 200 or 503, and the server never holds more
/// connections than its limits allow.
#[test]
fn a_flood_of_500_gets_a_whole_answer_each_and_open_files_stay_bounded() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let addr = server.addr();
        let before = ProcessStats::of(server.pid());
        let sleeping: Vec<_> = (0..4).map(|_| start_get(addr, "/sleep")).collect();
        thread::sleep(Duration::from_secs(1));

        let (peak, flood) =
            ProcessStats::peak_during(server.pid(), || flood(addr, 500, &curl_request("/")));

        let busy = busy_response();
        let others = flood.others(&[&hello(), &busy]);
        assert!(others.is_empty(), "neither 200 nor 503: {others:#?}");
        let turned_away = flood.count(&busy);
        assert!(turned_away >= 400, "only {turned_away} of 500 got a 503");
        println!("{turned_away} × 503; before: {before:?}, at most: {peak:?}");
        assert!(
            peak.open_files <= before.open_files + MOST_FILES,
            "{} open files at most, {} before",
            peak.open_files,
            before.open_files
        );
        // Memory stays flat: nothing grows with the number of clients.
        assert!(
            peak.resident_kib <= before.resident_kib + 4 * 1024,
            "{} KiB at most, {} KiB before",
            peak.resident_kib,
            before.resident_kib
        );
        for request in sleeping {
            assert_bytes(&request.wait().0, &hello());
        }
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "a thread panicked: {stderr}");
    });
}

/// With an open-file limit of 80, the limits of the server always leave a
/// file for the next connection: accepting never fails.
#[test]
fn with_80_open_files_accepting_never_fails() {
    on_own_loopback(|| {
        let mut server = Binary::start_with_open_file_limit(SERVER, 80);
        let addr = server.addr();
        let before = ProcessStats::of(server.pid());
        assert!(before.open_files + MOST_FILES < 80, "{before:?}");
        let sleeping: Vec<_> = (0..4).map(|_| start_get(addr, "/sleep")).collect();
        thread::sleep(Duration::from_secs(1));
        let flood = flood(addr, 300, &curl_request("/"));
        let others = flood.others(&[&hello(), &busy_response()]);
        assert!(others.is_empty(), "neither 200 nor 503: {others:#?}");
        for request in sleeping {
            assert_bytes(&request.wait().0, &hello());
        }
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(!stderr.contains("failed"), "{stderr}");
    });
}

/// With only 24 open files, fewer than the queue needs, accepting fails
/// during a flood: the server says why, closes what it cannot answer, and
/// carries on serving. (With no file left, a worker cannot even open
/// hello.html: those requests fail too.)
#[test]
fn with_24_open_files_accepting_fails_and_the_server_carries_on() {
    on_own_loopback(|| {
        let mut server = Binary::start_with_open_file_limit(SERVER, 24);
        let addr = server.addr();
        let sleeping: Vec<_> = (0..4).map(|_| start_get(addr, "/sleep")).collect();
        thread::sleep(Duration::from_secs(1));
        let flood = flood(addr, 100, &curl_request("/"));
        for request in sleeping {
            request.wait();
        }
        let others = flood.others(&[&hello(), &busy_response()]);
        println!(
            "{} of 100 without a whole answer: {others:#?}",
            others.len()
        );
        // Still there, and still serving.
        assert_bytes(&get(addr, "/"), &hello());
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        // Accepting fails, or making the spare handle does: either way,
        // that connection is closed, and the server goes on.
        assert!(
            stderr.contains("connection failed: Too many open files"),
            "{stderr}"
        );
    });
}
