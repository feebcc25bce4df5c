//! Chapter 15: `cargo run -p ch15-b-head-deadline`, as a reader runs it.
//! Its check passes, Ctrl-C no longer waits for a silent client, and a
//! crowd of slow clients is held within the reader's limits.
//!
//! Unix only: the tests send signals; the counts come from `/proc` (Linux).
#![cfg(target_os = "linux")]

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};
use testkit::{
    Binary, HELLO_HTML, ProcessStats, TIMEOUT, assert_bytes, busy_response, check_binary, get,
    on_own_loopback, page_response, silent_clients, steps_dir,
};

const SERVER: &str = env!("CARGO_BIN_EXE_ch15-b-head-deadline");

/// How long the book's server gives a client for the head of its request.
const HEAD_TIME: Duration = Duration::from_secs(5);

/// The most connections the server holds: 256 with the reader and 16 on
/// their way to it, 4 with the workers and 16 in the queue, 16 answered
/// ones that the closer waits for and 16 on their way to it (the constants
/// of `src/main.rs`), and a second handle on the one being handed on.
const MOST_FILES: usize = 256 + 16 + 4 + 16 + 16 + 16 + 1;

fn timeout() -> String {
    let page = fs::read_to_string(steps_dir().join("408.html")).unwrap();
    page_response("HTTP/1.1 408 Request Timeout", &page)
}

/// What `cargo run -p check -- ch15 --pid <PID>` checks, Ctrl-C included.
/// (The server of the chapter's first step fails two of its claims: see
/// `steps/ch15-a-read-timeout/tests/binary.rs`.)
#[test]
fn passes_chapter_15s_check() {
    check_binary(SERVER, 15, &[]);
}

/// Three hundred silent clients: the reader holds as many as it may, and
/// turns the others away at once; `/` gets a 503 at once while it is full.
/// The server's open files never exceed its limits, and once the silent
/// clients' time is up, they get their 408 and the server serves again.
#[test]
fn a_full_reader_turns_clients_away_and_open_files_stay_bounded() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let addr = server.addr();
        let before = ProcessStats::of(server.pid());
        let start = Instant::now();
        let (peak, (mut silent, busy)) = ProcessStats::peak_during(server.pid(), || {
            let silent = silent_clients(addr, 300);
            thread::sleep(Duration::from_millis(500));
            let begin = Instant::now();
            let busy = get(addr, "/");
            (silent, (busy, begin.elapsed()))
        });
        assert!(
            start.elapsed() < HEAD_TIME,
            "too slow to connect: the test needs the reader full"
        );
        assert_bytes(&busy.0, &busy_response());
        assert!(busy.1 < Duration::from_secs(1), "the 503 took {:?}", busy.1);
        println!("before: {before:?}, at most: {peak:?}");
        assert!(
            peak.open_files <= before.open_files + MOST_FILES,
            "{} open files at most, {} before",
            peak.open_files,
            before.open_files
        );

        // The first of them, which the reader took, gets its 408 when its
        // time is up; and the server answers `/` again.
        let first = &mut silent[0];
        first.set_read_timeout(Some(HEAD_TIME + TIMEOUT)).unwrap();
        let mut answer = Vec::new();
        first.read_to_end(&mut answer).unwrap();
        assert_bytes(&answer, &timeout());
        drop(silent);
        assert_bytes(
            &get(addr, "/"),
            &page_response("HTTP/1.1 200 OK", HELLO_HTML),
        );
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "a thread panicked: {stderr}");
    });
}

/// Ctrl-C with a client connected that never sends its request: the server
/// of chapter 14 waited for it for ever; this one answers it 408 when its
/// time is up, and ends.
#[test]
fn ctrl_c_does_not_wait_for_a_silent_client() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let mut silent = TcpStream::connect(server.addr()).unwrap();
        silent.set_read_timeout(Some(HEAD_TIME + TIMEOUT)).unwrap();
        silent.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        thread::sleep(Duration::from_millis(200));
        let start = Instant::now();
        server.signal("INT");
        let mut answer = Vec::new();
        silent.read_to_end(&mut answer).unwrap();
        assert_bytes(&answer, &timeout());
        let (status, stderr) = server.wait_for_exit();
        let took = start.elapsed();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(took < HEAD_TIME * 2, "it took {took:?} to stop");
        let output = server.rest_of_output();
        assert_eq!(output.last().map(String::as_str), Some("Goodbye."));
    });
}

/// Chapter 12's flaw, turned around: a client that sends 64 MiB without a
/// line break made that server keep every byte. This one stops reading past
/// `MAX_HEAD`, answers `414`, and its memory stays flat.
#[test]
fn a_request_line_without_an_end_is_not_kept_in_memory() {
    const SENT: usize = 64 << 20;
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let before = ProcessStats::of(server.pid());
        let (peak, ()) = ProcessStats::peak_during(server.pid(), || {
            let mut client = TcpStream::connect(server.addr()).unwrap();
            client.set_write_timeout(Some(TIMEOUT)).unwrap();
            let chunk = vec![b'a'; 1 << 20];
            let mut sent = client.write_all(b"GET /").map(|()| 5);
            while let Ok(so_far) = sent {
                if so_far >= SENT {
                    break;
                }
                // Fails once the server has closed the connection.
                sent = client.write_all(&chunk).map(|()| so_far + chunk.len());
            }
        });
        println!("before: {before:?}, at most: {peak:?}");
        assert!(
            peak.resident_kib <= before.resident_kib + 4 * 1024,
            "{} KiB at most, {} KiB before, for {} KiB sent",
            peak.resident_kib,
            before.resident_kib,
            SENT / 1024
        );
        assert_bytes(
            &get(server.addr(), "/"),
            &page_response("HTTP/1.1 200 OK", HELLO_HTML),
        );
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
    });
}
