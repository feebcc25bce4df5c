//! Chapter 19: `cargo run -p ch19-stop-under-load`, as a reader runs it:
//! its check passes, SIGTERM under load included; the stop does not wait
//! for connections that have sent nothing; a second signal stops at once.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use testkit::{Binary, check_binary, on_own_loopback};

const SERVER: &str = env!("CARGO_BIN_EXE_ch19-stop-under-load");

/// What `cargo run -p check -- ch19 --pid <PID>` checks.
#[test]
fn passes_chapter_19s_check() {
    check_binary(SERVER, 19, &[]);
}

/// SIGTERM with ten idle connections and a silent one, which a browser
/// keeps in reserve: their last call is a second, not the idle time or the
/// time for a head (five seconds each).
#[test]
fn sigterm_gives_silent_connections_a_last_call() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let mut open: Vec<TcpStream> = (0..10)
            .map(|_| {
                let mut stream = TcpStream::connect(server.addr()).unwrap();
                stream
                    .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                    .unwrap();
                let mut answer = vec![0; 1];
                stream.read_exact(&mut answer).unwrap();
                stream
            })
            .collect();
        open.push(TcpStream::connect(server.addr()).unwrap());
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        server.signal("TERM");
        let (status, stderr) = server.wait_for_exit();
        let took = started.elapsed();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(took < Duration::from_millis(2500), "it took {took:?}");
        for stream in &mut open {
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut rest = Vec::new();
            assert!(stream.read_to_end(&mut rest).is_ok());
        }
    });
}

/// A second Ctrl-C does not wait for the request in progress.
#[test]
fn a_second_signal_stops_at_once() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let mut sleeping = TcpStream::connect(server.addr()).unwrap();
        sleeping
            .write_all(b"GET /sleep HTTP/1.1\r\nHost: a\r\n\r\n")
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        server.signal("INT");
        server.wait_for_line(|line| line.starts_with("Stopping:"));
        server.signal("INT");
        let (status, _) = server.wait_for_exit();
        let took = started.elapsed();
        assert_eq!(status.code(), Some(130), "exit status {status}");
        assert!(took < Duration::from_secs(2), "it took {took:?}");
    });
}

/// Chapter 20's claims fail here: `/panic` is a file that is not there
/// (`404`), and the server logs no line for each answer and counts nothing.
#[test]
fn fails_chapter_20s_claims() {
    use check::claims::{COUNTS_WHAT_IT_DID, LOGS_EACH_ANSWER, PANIC_GETS_500};
    testkit::check_binary_fails(
        SERVER,
        &[&PANIC_GETS_500, &LOGS_EACH_ANSWER, &COUNTS_WHAT_IT_DID],
    );
}
