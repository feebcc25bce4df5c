//! Chapter 11: real signals to `cargo run -p ch11-b-ctrl-c`. Ctrl-C (SIGINT)
//! and `kill` (SIGTERM) stop it gracefully: no new connections, the request
//! in progress gets its full answer, and the process exits with status 0.
//! A second signal ends it at once, with status 130.
//!
//! Unix only: the tests send signals with `kill`.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};
use testkit::{
    Binary, HELLO_HTML, TIMEOUT, assert_bytes, check_binary, on_own_loopback, page_response,
};

const SERVER: &str = env!("CARGO_BIN_EXE_ch11-b-ctrl-c");

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

/// What `cargo run -p check -- ch11 --pid <PID>` checks, Ctrl-C included
/// (chapter 12 checks the same).
#[test]
fn passes_chapter_11s_check() {
    check_binary(SERVER, 11, &[]);
}

/// The flaw that chapter 13 fixes, proven with chapter 13's check: this
/// server passes every claim of that chapter but the new one. A few clients
/// that send a request line that is not UTF-8, or reset, end its workers,
/// and then the server.
#[test]
fn fails_chapter_13s_check_on_bad_clients_only() {
    check_binary(SERVER, 13, &["bad-clients-cost-no-worker"]);
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

/// A flaw that Part III fixes with timeouts: a client that stays connected
/// and sends nothing keeps the graceful shutdown waiting, as long as it
/// likes. The second Ctrl-C is the way out.
#[test]
fn flaw_a_silent_client_holds_up_the_shutdown_until_a_second_ctrl_c() {
    on_own_loopback(|| {
        let (mut server, _silent) = server_with_a_slow_client();
        server.signal("INT");
        server.wait_for_line(|line| line.starts_with("Stopping: finishing"));

        // The worker waits for a request line that never comes, and the
        // pool's `Drop` waits for the worker.
        thread::sleep(Duration::from_secs(2));
        server.assert_running();

        server.signal("INT");
        server.wait_for_line(|line| line == "Stopping at once.");
        let (status, stderr) = server.wait_for_exit();
        assert_eq!(status.code(), Some(130), "stderr: {stderr}");
    });
}

/// A flaw that Part III fixes with a limit on the request: `lines` reads
/// until it finds a line break, however long that takes, and keeps every byte.
/// One client that sends 64 MiB without a line break makes the server hold
/// them all. (Linux: the server's peak memory is read from `/proc`.)
#[cfg(target_os = "linux")]
#[test]
fn flaw_a_request_line_without_an_end_is_kept_in_memory_whole() {
    const SENT: usize = 64 << 20;

    /// The peak resident memory of the process (`VmHWM`), in bytes.
    fn peak_memory(pid: u32) -> usize {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status
            .lines()
            .find(|line| line.starts_with("VmHWM:"))
            .expect("no VmHWM in /proc/<pid>/status");
        let kib: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib * 1024
    }

    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let before = peak_memory(server.pid());

        let mut client = TcpStream::connect(server.addr()).unwrap();
        // A server that stops reading makes `write_all` fail, not hang.
        client.set_write_timeout(Some(TIMEOUT)).unwrap();
        client.write_all(b"GET /").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..SENT / chunk.len() {
            client.write_all(&chunk).unwrap();
        }
        // Everything was sent; give the server a moment to read the rest.
        let deadline = Instant::now() + TIMEOUT;
        while peak_memory(server.pid()) - before < SENT * 3 / 4 {
            assert!(
                Instant::now() < deadline,
                "the server's memory grew by {} KiB only, for {} KiB sent",
                (peak_memory(server.pid()) - before) / 1024,
                SENT / 1024
            );
            thread::sleep(Duration::from_millis(50));
        }
    });
}
