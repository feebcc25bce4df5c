//! Chapter 18, first step: a connection stays open for the next request,
//! and the worker that answered it waits for that request.

use super::{HEAD_TIME, IDLE_TIME, MAX_REQUESTS, SLEEP, WORKERS, serve};
use check::{Target, claims};
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use testkit::{ends, enter_steps_dir, one_answer, spawn_server};

/// The server on an ephemeral port, never stopped.
fn server() -> SocketAddr {
    enter_steps_dir();
    spawn_server(|listener| serve(listener, &AtomicBool::new(false)))
}

/// The target that `check` sees: `/sleep`, the time for a head and the
/// idle time all take a second here.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr)
        .sleep(SLEEP)
        .head_time(HEAD_TIME)
        .idle_time(IDLE_TIME)
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

#[test]
fn answers_request_after_request_on_one_connection() {
    let mut stream = TcpStream::connect(server()).unwrap();
    for _ in 0..3 {
        stream.write_all(GET).unwrap();
        let answer = one_answer(&mut stream).expect("no answer");
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(!answer.contains("Connection: close"), "{answer}");
    }
}

#[test]
fn answers_requests_sent_in_one_write_in_turn() {
    let mut stream = TcpStream::connect(server()).unwrap();
    let three = [GET, b"GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n", GET].concat();
    stream.write_all(&three).unwrap();
    for status in ["200 OK", "404 Not Found", "200 OK"] {
        let answer = one_answer(&mut stream).expect("no answer");
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{answer}"
        );
    }
}

#[test]
fn closes_when_asked_for_http_1_0_and_after_a_body() {
    for request in [
        &b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n"[..],
        b"GET / HTTP/1.0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",
    ] {
        let mut stream = TcpStream::connect(server()).unwrap();
        stream.write_all(request).unwrap();
        let answer = one_answer(&mut stream).expect("no answer");
        assert!(answer.contains("\r\nConnection: close\r\n"), "{answer}");
        assert!(ends(&mut stream), "{answer}");
    }
}

#[test]
fn an_empty_body_keeps_the_connection() {
    let mut stream = TcpStream::connect(server()).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    let answer = one_answer(&mut stream).expect("no answer");
    assert!(!answer.contains("Connection: close"), "{answer}");
}

#[test]
fn the_last_request_a_connection_may_send_closes_it() {
    let mut stream = TcpStream::connect(server()).unwrap();
    for count in 1..=MAX_REQUESTS {
        stream.write_all(GET).unwrap();
        let answer = one_answer(&mut stream).expect("no answer");
        let closes = answer.contains("\r\nConnection: close\r\n");
        assert_eq!(closes, count == MAX_REQUESTS, "answer {count}: {answer}");
    }
    assert!(ends(&mut stream));
}

#[test]
fn a_silent_connection_closes_after_the_idle_time() {
    let mut stream = TcpStream::connect(server()).unwrap();
    stream.write_all(GET).unwrap();
    one_answer(&mut stream).expect("no answer");
    let answered = Instant::now();
    assert!(ends(&mut stream));
    let after = answered.elapsed();
    assert!(after >= IDLE_TIME / 2 && after < IDLE_TIME * 3, "{after:?}");
}

#[test]
fn a_slow_second_head_gets_408() {
    let mut stream = TcpStream::connect(server()).unwrap();
    stream.write_all(GET).unwrap();
    one_answer(&mut stream).expect("no answer");
    stream.write_all(b"GET / HT").unwrap();
    let started = Instant::now();
    let answer = one_answer(&mut stream).expect("no answer");
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
    assert!(started.elapsed() < HEAD_TIME * 3);
}

// ANCHOR: starves
/// The flaw of this step, pinned down until the next one mends it: as many
/// open, silent connections as there are workers hold every worker, and a
/// new client waits until the first of them gives up, after the idle time.
#[test]
fn idle_connections_hold_every_worker() {
    let addr = server();
    let _idle: Vec<TcpStream> = (0..WORKERS)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(GET).unwrap();
            one_answer(&mut stream).expect("no answer");
            stream
        })
        .collect();
    let started = Instant::now();
    let mut new = TcpStream::connect(addr).unwrap();
    new.write_all(GET).unwrap();
    one_answer(&mut new).expect("no answer");
    let waited = started.elapsed();
    assert!(waited >= IDLE_TIME / 2, "answered after {waited:?}");
    claims::IDLE_CONNECTIONS_COST_NO_WORKER.assert_fails(&target(addr));
}
// ANCHOR_END: starves

#[test]
fn passes_chapter_18s_other_claims() {
    let chapter = check::Chapter::parse("ch18").unwrap();
    let report = check::run(chapter, &target(server()));
    assert_eq!(
        report.failed(),
        ["idle-connections-cost-no-worker"],
        "{}",
        report.render()
    );
}
