//! Chapter 20: `cargo run -p ch20-logs`, as a reader runs it: its check
//! passes, the claims on its log and its counts included; what it prints
//! is what the book shows.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;
use testkit::{Binary, check_binary, on_own_loopback, transcript_any_order};

const SERVER: &str = env!("CARGO_BIN_EXE_ch20-logs");

/// What `cargo run -p check -- ch20 --pid <PID> --log server.log` checks.
#[test]
fn passes_chapter_20s_check() {
    check_binary(SERVER, 20, &[]);
}

/// Sends `request` on a connection of its own, and reads the answer.
fn send(request: &str) -> String {
    let mut stream = TcpStream::connect(testkit::BOOK_ADDR).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream.set_read_timeout(Some(testkit::TIMEOUT * 2)).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(path: &str) -> String {
    send(&format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:7878\r\nConnection: close\r\n\r\n"
    ))
}

/// The session that the chapter shows: a page, a page that is not there, a
/// panic, two sleeps side by side; then Ctrl-C.
#[test]
fn prints_what_the_book_shows() {
    on_own_loopback(|| {
        // As in a reader's terminal: no backtrace after the panic.
        let mut server = Binary::start_with(SERVER, |command| {
            command.env("RUST_BACKTRACE", "0");
        });
        assert!(get("/").starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(get("/nothing-here").starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(get("/panic").starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
        let sleeps: Vec<_> = (0..2).map(|_| thread::spawn(|| get("/sleep"))).collect();
        for sleep in sleeps {
            assert!(sleep.join().unwrap().starts_with("HTTP/1.1 200 OK\r\n"));
        }
        // The lines of the last answers may come a moment after them.
        thread::sleep(Duration::from_millis(200));
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        let mut stdout = vec!["Listening on http://127.0.0.1:7878".to_string()];
        stdout.extend(server.rest_of_output());
        transcript_any_order(env!("CARGO_MANIFEST_DIR"), "run", &stdout);
        let stderr: Vec<String> = stderr.lines().map(str::to_string).collect();
        transcript_any_order(env!("CARGO_MANIFEST_DIR"), "stderr", &stderr);
    });
}

/// Chapter 21 fires at this server and finds three flaws; two of them a
/// client can see, and their claims fail here: a client still sending a
/// body is reset while the closer's hands are full, and a queue full for a
/// moment turns requests away. `ch21-under-fire` fixes them.
#[test]
fn fails_the_claims_of_chapter_21s_fixes() {
    use check::claims::{BODY_WHILE_THE_CLOSER_IS_FULL, FULL_FOR_A_MOMENT};
    testkit::check_binary_fails(
        SERVER,
        &[&BODY_WHILE_THE_CLOSER_IS_FULL, &FULL_FOR_A_MOMENT],
    );
}
