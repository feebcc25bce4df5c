//! Chapter 14: a full server says so at once. Every worker busy and the
//! queue full, the next client gets a whole `503 Service Unavailable`; a
//! flood gets a whole answer for every connection, none reset.

use super::earlier_tests::server;
use super::{CLOSING, LINGER, QUEUE, SLEEP, WORKERS};
use check::{Target, claims};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};
use testkit::{
    HELLO_HTML, TIMEOUT, as_curl_shows, assert_bytes, busy_response, curl_request, flood,
    page_response, silent_clients, start_get, transcript,
};

fn hello() -> String {
    page_response("HTTP/1.1 200 OK", HELLO_HTML)
}

/// Fills the server: connections that send nothing until every worker
/// waits for a request line and the queue is full, which we know once
/// requests are answered `503` at once, twice in a row. They keep the server
/// full while the result lives.
fn fill(addr: SocketAddr) -> Vec<TcpStream> {
    let mut held = silent_clients(addr, WORKERS + QUEUE);
    let deadline = Instant::now() + TIMEOUT;
    let mut turned_away = 0;
    while turned_away < 2 {
        assert!(
            Instant::now() < deadline,
            "the server never said it was full"
        );
        // Time for the workers to take their jobs: until they have, the
        // queue may look full for a moment.
        thread::sleep(Duration::from_millis(100));
        let mut probe = TcpStream::connect(addr).unwrap();
        probe.write_all(curl_request("/").as_bytes()).unwrap();
        probe
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut answer = Vec::new();
        match probe.read_to_end(&mut answer) {
            Ok(_) if answer == busy_response().as_bytes() => turned_away += 1,
            Ok(_) => panic!("unexpected answer: {:?}", String::from_utf8_lossy(&answer)),
            // Waiting in the queue: it helps to fill it.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                held.push(probe);
                turned_away = 0;
            }
            Err(e) => panic!("the probe failed: {e}"),
        }
    }
    held
}

/// A client that sends the first line of its request, reads the answer to
/// its end, and only then sends the rest, as a slow client does: what it
/// read, if nothing went wrong on the way.
fn half_then_rest(addr: SocketAddr) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.write_all(b"GET / HTTP/1.1\r\n")?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    // Time for a reset, if one comes, to arrive.
    thread::sleep(Duration::from_millis(50));
    stream.write_all(b"Host: 127.0.0.1:7878\r\n")?;
    thread::sleep(Duration::from_millis(50));
    // Fails if the server answered the last write with a reset.
    stream.write_all(b"\r\n")?;
    Ok(answer)
}

#[test]
fn a_full_server_answers_503_at_once() {
    let (addr, _stopping, _) = server();
    let _held = fill(addr);
    let start = Instant::now();
    let answer = testkit::get(addr, "/");
    assert_bytes(&answer, &busy_response());
    assert!(start.elapsed() < Duration::from_secs(1));
    // What `curl -i` shows, as the chapter does.
    transcript(env!("CARGO_MANIFEST_DIR"), "busy", &as_curl_shows(&answer));
}

/// The claim of chapter 14 that `cargo run -p check -- ch14` checks.
#[test]
fn busy_gets_503() {
    let (addr, _stopping, _) = server();
    claims::BUSY_GETS_503.assert_holds(&Target::new(addr).sleep(SLEEP));
}

#[test]
fn a_flood_gets_a_whole_200_or_503_each_and_the_503s_come_at_once() {
    let (addr, _stopping, _) = server();
    let sleeping: Vec<_> = (0..WORKERS).map(|_| start_get(addr, "/sleep")).collect();
    thread::sleep(SLEEP / 5);

    // A hundred: fewer than the listen queue of `TcpListener::bind` holds
    // (128), so that no connection waits for the system to retry it.
    let flood = flood(addr, 100, &curl_request("/"));

    let busy = busy_response();
    let others = flood.others(&[&hello(), &busy]);
    assert!(others.is_empty(), "neither 200 nor 503: {others:#?}");
    let turned_away = flood.count(&busy);
    // Sixteen wait in the queue (a few more, if a sleep ended first).
    assert!(turned_away >= 50, "only {turned_away} of 100 got a 503");
    let slowest = flood.slowest(&busy).unwrap();
    assert!(
        slowest < SLEEP / 2,
        "a 503 took {slowest:?}: it should not wait for a worker"
    );
    for request in sleeping {
        assert_bytes(&request.wait().0, &hello());
    }
}

#[test]
fn a_turned_away_client_that_is_still_sending_reads_the_whole_503() {
    let (addr, _stopping, _) = server();
    let _held = fill(addr);
    // Without the closer, the server closes the connection with the first
    // line unread, and the system answers the rest with a reset.
    let answer = half_then_rest(addr).expect("the connection was reset");
    assert_bytes(&answer, &busy_response());
}

/// The chapter promises that the closer lets go after a second ([`LINGER`]);
/// the test waits half a second more (and does not take the constant, so
/// that a longer `LINGER` fails it).
const AFTER_LINGER: Duration = Duration::from_millis(1500);

#[test]
fn linger_is_a_second() {
    assert_eq!(LINGER, Duration::from_secs(1));
}

#[test]
fn the_closer_holds_at_most_closing_connections_and_lets_go_after_linger() {
    let (addr, _stopping, _) = server();
    let _held = fill(addr);
    // Filling may have turned a silent client away; the closer lets go of
    // it after a second, and holds nothing then.
    thread::sleep(AFTER_LINGER);
    // Sixteen turned-away clients that read their 503 and stay connected.
    assert_eq!(CLOSING, 16, "the chapter says sixteen");
    let lingering: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            stream.write_all(curl_request("/").as_bytes()).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            assert_bytes(&answer, &busy_response());
            stream
        })
        .collect();
    thread::sleep(Duration::from_millis(100));
    // The closer's hands are full: the next one is closed at once, its
    // request unread, and gets a reset.
    let dropped = half_then_rest(addr);
    assert!(
        dropped.is_err(),
        "the closer held more than {CLOSING} connections: {dropped:?}"
    );
    // After a second, the closer has let go of them all, and has room again.
    thread::sleep(AFTER_LINGER);
    let answer = half_then_rest(addr).expect("the closer still held the others");
    assert_bytes(&answer, &busy_response());
    drop(lingering);
}

#[test]
fn passes_chapter_14s_check_claim_after_claim() {
    let (addr, _stopping, _) = server();
    let chapter = check::Chapter::parse("ch14").unwrap();
    let report = check::run(chapter, &Target::new(addr).sleep(SLEEP));
    assert!(report.passed(), "{}", report.render());
}

// What the server still gets wrong. The test passes because the flaw is
// there; chapter 15 turns it around.

#[test]
fn flaw_twenty_silent_clients_turn_everyone_away() {
    let (addr, _stopping, _) = server();
    // Four silent connections hold the workers, sixteen the queue...
    let _held = fill(addr);
    // ...and from then on, every request gets a 503, for as long as they
    // stay connected.
    thread::sleep(SLEEP);
    for _ in 0..10 {
        assert_bytes(&testkit::get(addr, "/"), &busy_response());
    }
}

/// Chapter 15's claims about slow clients fail here: a worker waits for a
/// silent or trickling client for as long as it stays connected. (The time
/// for a head that the claims expect is a second, as in chapter 15's tests.)
#[test]
fn fails_chapter_15s_claims_on_slow_clients() {
    for claim in [
        &claims::SILENT_CLIENT_GETS_408,
        &claims::TRICKLER_GETS_408,
        &claims::SLOW_CLIENTS_COST_NO_WORKER,
    ] {
        let (addr, _stopping, _) = server();
        claim.assert_fails(&Target::new(addr).sleep(SLEEP).head_time(SLEEP));
    }
}
