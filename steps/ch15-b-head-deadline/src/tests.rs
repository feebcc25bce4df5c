//! Chapter 15: the head of every request has a deadline, and a reader
//! thread, not a worker, waits for it. Slow clients, silent or trickling,
//! cost no worker and get `408 Request Timeout`; heads that are too long get
//! `414` or `431`; stopping no longer waits for a silent client.

use super::{HEAD_TIME, MAX_HEAD, QUEUE, SLEEP, WORKERS, head_end, serve};
use check::{Target, Trickler, claims};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};
use testkit::{
    HELLO_HTML, TIMEOUT, as_curl_shows, assert_bytes, curl_request, enter_steps_dir, page_response,
    silent_clients, start_get, steps_dir, transcript,
};

/// Runs `serve` on an ephemeral port; the flag stops it, and the receiver
/// reports when it returned.
fn server() -> (SocketAddr, Arc<AtomicBool>, mpsc::Receiver<Instant>) {
    enter_steps_dir();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopping);
    let (done, returned) = mpsc::channel();
    thread::spawn(move || {
        serve(listener, &flag);
        done.send(Instant::now()).unwrap();
    });
    (addr, stopping, returned)
}

/// The target that `check` sees: `/sleep` and the time for a head both take
/// a second here.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr).sleep(SLEEP).head_time(HEAD_TIME)
}

fn hello() -> String {
    page_response("HTTP/1.1 200 OK", HELLO_HTML)
}

/// The whole answer with `status_line` and the page `file` of `steps/`.
fn page(status_line: &str, file: &str) -> String {
    page_response(
        status_line,
        &fs::read_to_string(steps_dir().join(file)).unwrap(),
    )
}

/// Sends `bytes` on a new connection, and reads the answer to its end:
/// the answer, and how long it took.
fn send_then_read(addr: SocketAddr, bytes: &[u8]) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .expect("no whole answer: the connection was reset or stayed open");
    (answer, start.elapsed())
}

#[test]
fn the_limits_are_the_chapters() {
    assert_eq!(MAX_HEAD, 8 * 1024);
    assert_eq!((WORKERS, QUEUE), (4, 16));
}

#[test]
fn the_head_ends_at_the_first_blank_line() {
    assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nrest"), Some(27));
    assert_eq!(head_end(b"GET / HTTP/1.1\nHost: a\n\n"), Some(24));
    assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r"), None);
    assert_eq!(head_end(b""), None);
}

#[test]
fn a_silent_client_gets_408_once_head_time_is_up() {
    let (addr, _stopping, _) = server();
    let (answer, took) = send_then_read(addr, b"GET / HTTP/1.1\r\n");
    assert_bytes(&answer, &page("HTTP/1.1 408 Request Timeout", "408.html"));
    assert!(
        took >= HEAD_TIME && took < HEAD_TIME * 2,
        "the 408 came after {took:?}, not after {HEAD_TIME:?}"
    );
    // What `curl -i` would show, as the chapter does.
    transcript(
        env!("CARGO_MANIFEST_DIR"),
        "timeout",
        &as_curl_shows(&answer),
    );
}

#[test]
fn silent_client_gets_408() {
    let (addr, _stopping, _) = server();
    claims::SILENT_CLIENT_GETS_408.assert_holds(&target(addr));
}

#[test]
fn trickler_gets_408() {
    let (addr, _stopping, _) = server();
    claims::TRICKLER_GETS_408.assert_holds(&target(addr));
}

#[test]
fn a_trickler_gets_408_once_head_time_is_up_not_later() {
    let (addr, _stopping, _) = server();
    // A byte every tenth of a second: ten bytes within the head's time, and
    // never a pause long enough for a time limit on each read.
    let (answer, took) = check::trickle(addr, HEAD_TIME / 10, HEAD_TIME * 3);
    let answer = answer.complete().expect("no whole answer").to_vec();
    assert_bytes(&answer, &page("HTTP/1.1 408 Request Timeout", "408.html"));
    assert!(
        took >= HEAD_TIME && took < HEAD_TIME * 3 / 2,
        "the 408 came after {took:?}, not after {HEAD_TIME:?}"
    );
}

#[test]
fn a_head_that_comes_in_pieces_in_time_is_answered() {
    let (addr, _stopping, _) = server();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    // Four pieces, a fifth of the head's time apart: slow, but in time.
    for piece in curl_request("/").as_bytes().chunks(25) {
        stream.write_all(piece).unwrap();
        thread::sleep(HEAD_TIME / 5);
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert_bytes(&answer, &hello());
}

#[test]
fn a_head_longer_than_max_head_gets_431() {
    let (addr, _stopping, _) = server();
    let mut request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:7878\r\n".to_vec();
    while request.len() <= MAX_HEAD {
        request.extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let (answer, took) = send_then_read(addr, &request);
    assert_bytes(
        &answer,
        &page("HTTP/1.1 431 Request Header Fields Too Large", "431.html"),
    );
    assert!(took < HEAD_TIME, "the 431 waited for the head's time");
}

#[test]
fn a_request_line_longer_than_max_head_gets_414() {
    let (addr, _stopping, _) = server();
    let request = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
    let (answer, took) = send_then_read(addr, request.as_bytes());
    assert_bytes(&answer, &page("HTTP/1.1 414 URI Too Long", "414.html"));
    assert!(took < HEAD_TIME, "the 414 waited for the head's time");
}

#[test]
fn a_head_just_within_max_head_is_answered() {
    let (addr, _stopping, _) = server();
    let start = "GET / HTTP/1.1\r\nX-Padding: ";
    let end = "\r\n\r\n";
    let padding = "a".repeat(MAX_HEAD - start.len() - end.len());
    let request = format!("{start}{padding}{end}");
    assert_eq!(request.len(), MAX_HEAD);
    let (answer, _) = send_then_read(addr, request.as_bytes());
    assert_bytes(&answer, &hello());
}

/// Chapter 14's flaw, turned around: twenty silent clients, as many as the
/// workers and the queue hold, no longer make the server turn everyone away.
#[test]
fn twenty_silent_clients_no_longer_turn_anyone_away() {
    let (addr, _stopping, _) = server();
    let _held = silent_clients(addr, WORKERS + QUEUE);
    thread::sleep(HEAD_TIME / 5);
    for _ in 0..10 {
        assert_bytes(&testkit::get(addr, "/"), &hello());
    }
}

#[test]
fn slow_clients_cost_no_worker() {
    let (addr, _stopping, _) = server();
    claims::SLOW_CLIENTS_COST_NO_WORKER.assert_holds(&target(addr));
}

/// More slow clients than the claim, and the proof that every worker is
/// free: four requests for `/sleep` take one sleep, not more.
#[test]
fn two_hundred_slow_clients_leave_every_worker_free() {
    let (addr, _stopping, _) = server();
    let _silent = silent_clients(addr, 100);
    let _trickling = Trickler::start(addr, 100, HEAD_TIME / 5).unwrap();
    thread::sleep(HEAD_TIME / 2);
    let start = Instant::now();
    let sleeping: Vec<_> = (0..WORKERS).map(|_| start_get(addr, "/sleep")).collect();
    for request in sleeping {
        assert_bytes(&request.wait().0, &hello());
    }
    let took = start.elapsed();
    assert!(
        took < SLEEP * 3 / 2,
        "four sleeps took {took:?}: some worker was held"
    );
}

/// Chapter 13's servers waited for ever on a silent client when they
/// stopped: its worker never finished. Now the reader answers it `408` when
/// its time is up, and `serve` returns.
#[test]
fn stopping_does_not_wait_for_a_silent_client() {
    let (addr, stopping, returned) = server();
    let mut silent = TcpStream::connect(addr).unwrap();
    silent.set_read_timeout(Some(TIMEOUT)).unwrap();
    thread::sleep(HEAD_TIME / 5);
    let start = Instant::now();
    // What the Ctrl-C handler does.
    stopping.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(addr);
    let returned_at = returned
        .recv_timeout(HEAD_TIME * 3)
        .expect("serve still waits for the silent client");
    assert!(returned_at - start < HEAD_TIME * 2);
    let mut answer = Vec::new();
    silent.read_to_end(&mut answer).unwrap();
    assert_bytes(&answer, &page("HTTP/1.1 408 Request Timeout", "408.html"));
}

#[test]
fn passes_chapter_15s_check_claim_after_claim() {
    let (addr, _stopping, _) = server();
    let chapter = check::Chapter::parse("ch15").unwrap();
    let report = check::run(chapter, &target(addr));
    assert!(report.passed(), "{}", report.render());
}

/// Chapter 16's parser is what this server lacks: it answers 404 to what
/// it does not understand, sends no `Date` or `Content-Type`, answers
/// `HEAD` with a body, and loses its answer to a body it did not read.
#[test]
fn fails_chapter_16s_claims_on_parsing() {
    let (addr, _stopping, _) = server();
    for claim in [
        &claims::TYPE_AND_DATE,
        &claims::HEAD_GETS_NO_BODY,
        &claims::MALFORMED_GETS_400,
        &claims::UNKNOWN_METHOD_GETS_501,
        &claims::OTHER_METHOD_GETS_405,
        &claims::VERSIONS,
        &claims::BODY_DOES_NOT_COST_THE_ANSWER,
    ] {
        claim.assert_fails(&target(addr));
    }
}

/// What chapter 16 shows this server answer, at its start: the request as
/// typed into `printf '…' | nc -N 127.0.0.1 7878 | head -n 1`, and the
/// status line.
#[test]
fn the_statuses_chapter_16_starts_from() {
    let (addr, _stopping, _) = server();
    let requests = [
        "GET / HTTP/1.1\r\n\r\n",
        "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
    ];
    let mut shown = String::new();
    for request in requests {
        let typed = request.replace('\r', "\\r").replace('\n', "\\n");
        let (answer, _) = send_then_read(addr, request.as_bytes());
        let answer = String::from_utf8(answer).unwrap();
        shown.push_str(&format!(
            "$ printf '{typed}' | nc -N 127.0.0.1 7878 | head -n 1\n{}\n",
            answer.lines().next().unwrap_or("")
        ));
    }
    transcript(env!("CARGO_MANIFEST_DIR"), "statuses", &shown);
}
