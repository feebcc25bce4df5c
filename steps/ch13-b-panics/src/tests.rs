//! Chapter 13: clients that send bytes that are not UTF-8, or reset the
//! connection, cost only their own connection. The first flaw of chapter 12,
//! turned around; the flaws that later chapters fix are still pinned down.

use super::{SLEEP, handle_connection, serve};
use check::{Target, claims};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Instant;
use testkit::{
    HELLO_HTML, TIMEOUT, assert_bytes, curl_request, enter_steps_dir, page_response, reset,
    send_and_hang_up, send_and_reset, start_get,
};

/// Runs `serve` on `listener` with a stop flag; the receiver reports when it returned.
pub(crate) fn serve_in_background(
    listener: TcpListener,
    stopping: &Arc<AtomicBool>,
) -> mpsc::Receiver<Instant> {
    enter_steps_dir();
    let flag = Arc::clone(stopping);
    let (done, returned) = mpsc::channel();
    thread::spawn(move || {
        serve(listener, &flag);
        done.send(Instant::now()).unwrap();
    });
    returned
}

/// Runs `serve` on an ephemeral port with a stop flag that is not set.
pub(crate) fn server() -> (SocketAddr, Arc<AtomicBool>, mpsc::Receiver<Instant>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stopping = Arc::new(AtomicBool::new(false));
    let returned = serve_in_background(listener, &stopping);
    (addr, stopping, returned)
}

/// What the Ctrl-C handler does the first time.
fn press_ctrl_c(addr: SocketAddr, stopping: &AtomicBool) {
    stopping.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(addr);
}

#[test]
fn stopping_finishes_the_requests_in_progress() {
    let (addr, stopping, returned) = server();
    let started = Instant::now();
    let slow = start_get(addr, "/sleep");
    let fast = start_get(addr, "/");
    fast.wait(); // both are in the pool now

    press_ctrl_c(addr, &stopping);

    let returned_at = returned
        .recv_timeout(TIMEOUT)
        .expect("serve did not return");
    // `serve` waited for the sleeping request, which got its whole answer.
    assert!(returned_at - started >= SLEEP, "serve returned too early");
    let (response, _) = slow.wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    // And nobody is let in any more.
    assert!(
        TcpStream::connect(addr).is_err(),
        "the port should be closed"
    );
}

#[test]
fn a_client_that_connects_just_after_ctrl_c_is_still_answered() {
    let (addr, stopping, returned) = server();
    // Ctrl-C sets the flag, and a client connects before the handler's
    // wake-up connection does: the loop wakes up for that client.
    stopping.store(true, Ordering::SeqCst);
    let client = start_get(addr, "/");
    let _wake_up = TcpStream::connect(addr);

    let (response, _) = client.wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    returned
        .recv_timeout(TIMEOUT)
        .expect("serve did not return");
}

#[test]
fn clients_still_in_the_listen_queue_are_reset_when_the_port_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Ctrl-C came while four clients were connecting. The operating system
    // has completed their connections and holds them in the listen queue,
    // in order, until `serve` accepts them.
    let first = start_get(addr, "/");
    let queued: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            stream.write_all(curl_request("/").as_bytes()).unwrap();
            stream
        })
        .collect();
    let stopping = Arc::new(AtomicBool::new(true));
    let returned = serve_in_background(listener, &stopping);

    // `serve` accepts the first, hands it to the pool, sees the flag and
    // closes the port: the first gets its answer...
    let (response, _) = first.wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    returned
        .recv_timeout(TIMEOUT)
        .expect("serve did not return");
    // ...and the ones still waiting in the queue are reset, without an answer.
    for mut stream in queued {
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
            Ok(_) => panic!("a queued client got {answer:?} instead of a reset"),
        }
    }
}

#[test]
fn a_client_that_hangs_up_without_a_word_costs_no_worker() {
    let (addr, _stopping, _) = server();
    // The spare connections of a browser, and our own wake-up connection.
    claims::HANG_UPS_COST_NO_WORKER.assert_holds(&Target::new(addr).sleep(SLEEP));
}

#[test]
fn still_serves_hello_html() {
    let (addr, _stopping, _) = server();
    claims::HELLO_FOR_ROOT.assert_holds(&Target::new(addr));
}

/// A request line that is not UTF-8.
const NOT_UTF8: &[u8] = b"GET /\xff HTTP/1.1\r\n\r\n";

/// Runs `handle_connection` for one connection on a thread of its own; returns
/// the client's end, and the handle that hands back what it returned.
fn handle_one() -> (TcpStream, JoinHandle<io::Result<()>>) {
    enter_steps_dir();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (stream, _) = listener.accept().unwrap();
    (client, thread::spawn(move || handle_connection(stream)))
}

#[test]
fn a_request_line_that_is_not_utf8_is_an_error_not_a_panic() {
    let (mut client, handler) = handle_one();
    client.write_all(NOT_UTF8).unwrap();
    let result = handler.join().expect("handle_connection panicked");
    let error = result.expect_err("a line that is not UTF-8 was read");
    assert_eq!(error.kind(), ErrorKind::InvalidData, "{error}");
}

#[test]
fn writing_to_a_client_that_reset_is_an_error_not_a_panic() {
    let (mut client, handler) = handle_one();
    client.write_all(curl_request("/sleep").as_bytes()).unwrap();
    // The server read the request line long ago, and sleeps; then the client
    // gives up. Only the write of the answer can fail.
    thread::sleep(SLEEP / 5);
    reset(client);
    let result = handler.join().expect("handle_connection panicked");
    let error = result.expect_err("the write to a reset connection succeeded");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
        ),
        "{error}"
    );
}

#[test]
fn a_request_line_that_is_not_utf8_costs_only_its_connection() {
    let (addr, _stopping, _) = server();
    // In chapter 12, four of these ended the four workers, and the fifth the server.
    for _ in 0..8 {
        // The server closes the connection without an answer.
        assert_eq!(send_and_hang_up(addr, NOT_UTF8), b"");
    }
    claims::FOUR_AT_A_TIME.assert_holds(&Target::new(addr).sleep(SLEEP));
}

#[test]
fn a_client_that_resets_the_connection_costs_only_its_connection() {
    let (addr, _stopping, _) = server();
    // Each client asks for `/sleep` and gives up with a reset while the
    // worker sleeps; writing the answer then fails, and ends that connection.
    for _ in 0..4 {
        send_and_reset(addr, curl_request("/sleep").as_bytes());
    }
    // And these reset in the middle of their request line: reading it fails.
    for _ in 0..4 {
        send_and_reset(addr, b"GET /");
    }
    // Once the sleeps are over, all four workers are free again.
    thread::sleep(SLEEP * 3 / 2);
    claims::FOUR_AT_A_TIME.assert_holds(&Target::new(addr).sleep(SLEEP));
}

/// The claim of chapter 13 that `cargo run -p check -- ch13` checks: a
/// hundred clients that break off, of three kinds, and the pool still runs
/// four requests at once.
#[test]
fn bad_clients_cost_no_worker() {
    let (addr, _stopping, _) = server();
    claims::BAD_CLIENTS_COST_NO_WORKER.assert_holds(&Target::new(addr).sleep(SLEEP));
}

#[test]
fn passes_chapter_13s_check_claim_after_claim() {
    let (addr, _stopping, _) = server();
    let chapter = check::Chapter::parse("ch13").unwrap();
    let report = check::run(chapter, &Target::new(addr).sleep(SLEEP));
    assert!(report.passed(), "{}", report.render());
}
