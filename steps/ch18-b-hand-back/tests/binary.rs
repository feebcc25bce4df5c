//! Chapter 18, second step: `cargo run -p ch18-b-hand-back`, as a reader
//! runs it: its check passes, Ctrl-C included, and Ctrl-C does not wait for
//! open connections that wait for their next request.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use testkit::{Binary, check_binary, on_own_loopback};

const SERVER: &str = env!("CARGO_BIN_EXE_ch18-b-hand-back");

/// What `cargo run -p check -- ch18 --pid <PID>` checks.
#[test]
fn passes_chapter_18s_check() {
    check_binary(SERVER, 18, &[]);
}

/// Ctrl-C with ten connections open, each answered and silent since: the
/// server closes them, and ends, well before their idle time of 5 s.
#[test]
fn ctrl_c_does_not_wait_for_idle_connections() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        let mut idle: Vec<TcpStream> = (0..10)
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
        let started = Instant::now();
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        let took = started.elapsed();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        assert!(took < Duration::from_millis(2500), "it took {took:?}");
        for stream in &mut idle {
            // The rest of its answer, then the end of the connection.
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut rest = Vec::new();
            assert!(stream.read_to_end(&mut rest).is_ok());
        }
    });
}

/// Chapter 19's claim on stopping under load fails here: connections that
/// the workers give back once the server stops are closed without a word,
/// though their answer did not say so, and a silent connection holds the
/// stop up for the time of a head.
#[test]
fn fails_chapter_19s_claim_on_stopping_under_load() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let target = check::Target::new(server.addr()).pid(server.pid());
        let claim = &check::claims::STOPS_UNDER_LOAD;
        let outcome = claim.check(&target);
        let shown = check::render_result(claim, &outcome);
        println!("{shown}");
        assert!(outcome.is_fail(), "{shown}");
    });
}
