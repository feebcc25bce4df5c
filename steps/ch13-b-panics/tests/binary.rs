//! Chapter 13: `cargo run -p ch13-b-panics`, as a reader runs it. Hundreds of
//! clients that break off cost it nothing: the pool still runs four requests
//! at once, and Ctrl-C still ends it with status 0. The graceful shutdown of
//! chapter 11 still holds.
//!
//! Unix only: the tests send signals with `kill`.
#![cfg(unix)]

use check::{Target, claims};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};
use testkit::{
    Binary, HELLO_HTML, ProcessStats, TIMEOUT, assert_bytes, check_binary, curl_request, flood,
    on_own_loopback, page_response, send_and_hang_up, send_and_reset, start_get,
    transcript_any_order,
};

const SERVER: &str = env!("CARGO_BIN_EXE_ch13-b-panics");

/// Starts the server with one client connected that has not sent its request
/// yet: a worker is busy with it, so the process is still there after the
/// signal, waiting for that request.
fn server_with_a_slow_client() -> (Binary, TcpStream) {
    let server = Binary::start(SERVER);
    let client = TcpStream::connect(server.addr()).unwrap();
    client.set_read_timeout(Some(TIMEOUT)).unwrap();
    server.wait_for_line(|line| line.ends_with(": running a job."));
    (server, client)
}

fn the_request_in_progress_finishes_after(signal: &str) {
    let (mut server, mut client) = server_with_a_slow_client();

    server.signal(signal);
    server.wait_for_line(|line| line.starts_with("Stopping: finishing"));

    // Only now does the client send its request, and it is still answered in full.
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut response = Vec::new();
    client.read_to_end(&mut response).unwrap();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));

    let (status, stderr) = server.wait_for_exit();
    assert!(status.success(), "exit status {status}, stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "a thread panicked: {stderr}");
    let output = server.rest_of_output();
    assert_eq!(output.last().map(String::as_str), Some("Goodbye."));
    for id in 0..4 {
        assert!(output.contains(&format!("Shutting down worker {id}")));
    }
}

/// What `cargo run -p check -- ch13 --pid <PID>` checks, Ctrl-C included.
/// (The server of chapter 12 fails the claim `bad-clients-cost-no-worker`:
/// see `steps/ch11-b-ctrl-c/tests/binary.rs`.)
#[test]
fn passes_chapter_13s_check() {
    check_binary(SERVER, 13, &[]);
}

/// Chapter 14's check: everything holds but the claim that a full server
/// answers 503, since this server's queue has no limit.
#[test]
fn fails_chapter_14s_check_on_busy_gets_503_only() {
    check_binary(SERVER, 14, &["busy-gets-503"]);
}

/// A flaw that chapter 14 fixes: every connection of a flood waits in the
/// queue, and holds an open file of the server while it waits.
#[cfg(target_os = "linux")]
#[test]
fn flaw_a_flood_makes_the_open_files_grow_with_the_clients() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let addr = server.addr();
        let before = ProcessStats::of(server.pid());
        let sleeping: Vec<_> = (0..4).map(|_| start_get(addr, "/sleep")).collect();
        thread::sleep(Duration::from_secs(1));
        let (peak, flood) =
            ProcessStats::peak_during(server.pid(), || flood(addr, 500, &curl_request("/")));
        // All of them wait for the sleeps, then get hello.html.
        assert_eq!(
            flood.count(&page_response("HTTP/1.1 200 OK", HELLO_HTML)),
            500
        );
        assert!(
            peak.open_files >= before.open_files + 400,
            "{} open files at most, {} before",
            peak.open_files,
            before.open_files
        );
        drop(sleeping);
    });
}

/// A flaw that chapter 14 fixes: when the process has no file left for a
/// new connection, `accept` fails, and `unwrap` ends the server.
#[cfg(target_os = "linux")]
#[test]
fn flaw_with_24_open_files_a_flood_ends_the_server() {
    on_own_loopback(|| {
        let mut server = Binary::start_with_open_file_limit(SERVER, 24);
        let addr = server.addr();
        let _sleeping: Vec<_> = (0..4).map(|_| start_get(addr, "/sleep")).collect();
        thread::sleep(Duration::from_secs(1));
        flood(addr, 100, &curl_request("/"));
        let (status, stderr) = server.wait_for_exit();
        assert!(!status.success(), "exit status {status}");
        assert!(stderr.contains("Too many open files"), "{stderr}");
    });
}

#[test]
fn sigint_lets_the_request_in_progress_finish() {
    on_own_loopback(|| the_request_in_progress_finishes_after("INT"));
}

#[test]
fn sigterm_lets_the_request_in_progress_finish() {
    on_own_loopback(|| the_request_in_progress_finishes_after("TERM"));
}

#[test]
fn sigint_turns_new_clients_away() {
    on_own_loopback(|| {
        let (mut server, _client) = server_with_a_slow_client();
        server.signal("INT");
        server.wait_for_line(|line| line.starts_with("Stopping: finishing"));
        // The port closes right after the handler ran; connecting fails from then on.
        let deadline = Instant::now() + TIMEOUT;
        while TcpStream::connect(server.addr()).is_ok() {
            assert!(Instant::now() < deadline, "the port stayed open");
            thread::sleep(Duration::from_millis(20));
        }
        server.assert_running();
    });
}

/// Clients that break off, of three kinds, in turn.
fn bad_clients(addr: SocketAddr, count: usize) {
    for i in 0..count {
        match i % 3 {
            // Closed without an answer (a later chapter answers `400 Bad Request`).
            0 => assert_eq!(send_and_hang_up(addr, NOT_UTF8), b""),
            1 => send_and_reset(addr, b"GET /"),
            _ => assert_eq!(send_and_hang_up(addr, b""), b""),
        }
    }
}

/// A request line that is not UTF-8.
const NOT_UTF8: &[u8] = b"GET /\xff HTTP/1.1\r\n\r\n";

/// The test of the chapter: three hundred clients that break off, and the
/// pool still has its four workers; Ctrl-C still ends the server with 0.
#[test]
fn after_hundreds_of_bad_clients_four_sleeps_run_at_once_and_ctrl_c_exits_0() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let started = Instant::now();
        bad_clients(server.addr(), 300);
        println!("300 bad clients in {:?}", started.elapsed());
        // Four requests for `/sleep` after one sleep (five seconds), the
        // fifth after two: the pool still has exactly four workers.
        claims::FOUR_AT_A_TIME.assert_holds(&Target::new(server.addr()));

        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "a thread panicked: {stderr}");
        // Each request line that is not UTF-8, and each reset, was logged.
        let failed = stderr
            .lines()
            .filter(|line| line.starts_with("Request failed: "))
            .count();
        assert_eq!(failed, 200, "{stderr}");
    });
}

/// What the server prints to stderr for a request line that is not UTF-8
/// and for a client that resets, as the chapter shows it. (Linux: the
/// message of a reset names the error number, which differs elsewhere.)
#[cfg(target_os = "linux")]
#[test]
fn prints_what_went_wrong_for_each_bad_client() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        bad_clients(server.addr(), 2);
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        let lines: Vec<String> = stderr.lines().map(String::from).collect();
        transcript_any_order(env!("CARGO_MANIFEST_DIR"), "bad-clients", &lines);
    });
}
