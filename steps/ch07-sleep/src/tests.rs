//! Chapter 7: one slow request holds up every request behind it.

// ANCHOR: use
use super::{SLEEP, serve};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};
// ANCHOR_END: use
use check::{Target, claims};
use testkit::spawn_server;

#[test]
fn sleep_answers_with_hello_html_after_sleeping() {
    let addr = spawn_server(serve);
    claims::SLEEP_ANSWERS.assert_holds(&Target::new(addr).sleep(SLEEP));
}

#[test]
fn root_still_gets_hello_html() {
    let addr = spawn_server(serve);
    claims::HELLO_FOR_ROOT.assert_holds(&Target::new(addr));
}

// ANCHOR: fast_waits
#[test]
fn a_fast_request_waits_behind_a_slow_one() {
    // This repository keeps hello.html in steps/. (In your own project it is
    // next to Cargo.toml, where `cargo test` runs, and you need no such line.)
    testkit::enter_steps_dir();

    // A server of its own, on a port that the operating system picks.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || serve(listener));

    // `/sleep` first, then `/`: the server accepts them in this order.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /sleep HTTP/1.1\r\n\r\n").unwrap();
    let started = Instant::now();
    let mut fast = TcpStream::connect(addr).unwrap();
    fast.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();

    // The whole answer to `/`: the server closes the connection after it.
    // (Give up after ten seconds, so that a broken server fails the test
    // instead of hanging it.)
    fast.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    fast.read_to_string(&mut answer).unwrap();
    let took = started.elapsed();

    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "got {answer:?}");
    // Alone, `/` takes a millisecond; here it waits for most of the sleep.
    assert!(
        took >= SLEEP * 8 / 10,
        "`/` took {took:?}: it should have waited for `/sleep` ({SLEEP:?})"
    );
}
// ANCHOR_END: fast_waits
