//! `hostile` tells a server that holds from one that does not: a naive
//! server, one thread per connection that answers every request with
//! hello.html, passes with the well-behaved clients and fails with the
//! others, kind by kind.

use hostile::{Config, KINDS, Report};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Reads up to the end of a head, or until the client hangs up, and answers
/// hello.html whatever was asked: no time limits, no parser, no refusals.
fn naive(mut stream: TcpStream) {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    while !received.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
    let page = check::page_response("HTTP/1.1 200 OK", check::HELLO_HTML);
    let _ = stream.write_all(page.as_bytes());
}

fn naive_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || naive(stream));
        }
    });
    addr
}

fn run_against(addr: SocketAddr) -> Report {
    let config = Config {
        addr,
        duration: Duration::from_secs(2),
        head_time: Duration::from_secs(1),
        sleep: Duration::from_secs(5),
    };
    hostile::run(&config, |_| {})
}

#[test]
fn fails_a_naive_server_kind_by_kind() {
    let report = run_against(naive_server());
    let table = report.render();
    // The well-behaved clients get their page.
    assert_eq!(report.lost(), 0, "{table}");
    // Silent and trickling clients get no 408, garbage no 400, a head too
    // long no 414 or 431, an escape its 200 (hello.html, not a file, but
    // not a 404 either), a body no 405.
    for kind in [
        "silent",
        "trickling",
        "garbage",
        "oversized",
        "escaping",
        "body",
    ] {
        assert!(report.others_of(kind) > 0, "{kind} passed:\n{table}");
    }
    assert!(!report.passed(), "{table}");
    assert!(table.contains("(!)"), "{table}");
}

/// A server that closes every connection without a word loses every
/// well-behaved request, and says so.
#[test]
fn counts_the_well_behaved_requests_it_loses() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || for _ in listener.incoming() {});
    let report = run_against(addr);
    assert!(report.lost() > 0, "{}", report.render());
    assert!(
        report
            .render()
            .contains(&format!("{} well-behaved requests lost", report.lost()))
    );
    assert_eq!(report.side_by_side, None, "{}", report.render());
    assert!(!report.workers_alive());
}

/// The kinds the book lists: each sends something and expects something.
#[test]
fn lists_every_kind() {
    let legend = Report::legend();
    assert_eq!(legend.lines().count(), 2 * KINDS.len());
    for kind in KINDS {
        assert!(legend.contains(kind.name), "{legend}");
    }
}

/// `cargo run -p hostile -- --list`, as the book shows it.
#[test]
fn lists_what_the_book_shows() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hostile"))
        .arg("--list")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    testkit::transcript(env!("CARGO_MANIFEST_DIR"), "list", &stdout);
}

/// It attacks loopback only, and says so.
#[test]
fn refuses_an_address_not_on_loopback() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hostile"))
        .args(["--addr", "192.0.2.1:80", "--seconds", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("loopback addresses only"), "{stderr}");
}
