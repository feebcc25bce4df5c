//! Chapters 11 and 12: the finished server of Part II, and what it still gets
//! wrong. The flaws are pinned down here so that Part III has something to fix.

use super::{SLEEP, serve};
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use testkit::{
    HELLO_HTML, TIMEOUT, assert_bytes, assert_unanswered_for, curl_request, get, page_response,
    send_and_hang_up, spawn_server, start_get, try_send,
};

/// Runs `serve` with a stop flag; the receiver reports when it returned.
fn server() -> (SocketAddr, Arc<AtomicBool>, mpsc::Receiver<Instant>) {
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopping);
    let (done, returned) = mpsc::channel();
    let addr = spawn_server(move |listener| {
        serve(listener, &flag);
        done.send(Instant::now()).unwrap();
    });
    (addr, stopping, returned)
}

#[test]
fn stopping_finishes_the_requests_in_progress() {
    let (addr, stopping, returned) = server();
    let started = Instant::now();
    let slow = start_get(addr, "/sleep");
    let fast = start_get(addr, "/");
    fast.wait(); // both are in the pool now

    // What the Ctrl-C handler does.
    stopping.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(addr);

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

// What the pool of Part II still gets wrong. Each test passes because the flaw
// is there; Part III turns them around.

#[test]
fn flaw_a_client_that_sends_nothing_kills_a_worker_for_good() {
    let (addr, _stopping, returned) = server();
    // Four clients hang up without a request line: `handle_connection`
    // panics four times, and each panic ends a worker thread.
    for _ in 0..4 {
        assert_eq!(send_and_hang_up(addr, b""), b"");
    }
    // No worker is left, and nobody is answered any more. Once the last
    // worker is gone, the channel is closed: `execute` panics, on the thread
    // that runs `serve` (in the real server, the main thread), and the whole
    // server is down.
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match try_send(addr, curl_request("/").as_bytes()) {
            Ok(answer) => assert!(answer.is_empty(), "answered: {answer:?}"),
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => break,
            Err(e) => assert!(
                matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe),
                "unexpected error: {e}"
            ),
        }
        assert!(Instant::now() < deadline, "the server is still accepting");
    }
    assert!(
        returned.try_recv().is_err(),
        "serve returned instead of panicking"
    );
}

#[test]
fn flaw_the_queue_has_no_limit() {
    let pool = ch11_b_ctrl_c::ThreadPool::new(1);
    let (release, blocked) = mpsc::channel::<()>();
    pool.execute(move || {
        let _ = blocked.recv_timeout(TIMEOUT);
    });
    // The only worker is busy, yet `execute` takes 10,000 more jobs without
    // a word: the queue grows as long as clients keep coming.
    let start = Instant::now();
    for _ in 0..10_000 {
        pool.execute(|| {});
    }
    assert!(start.elapsed() < Duration::from_secs(5));
    drop(release);
}

#[test]
fn flaw_a_client_that_sends_nothing_holds_a_worker_forever() {
    let (addr, _stopping, _) = server();
    // Four clients connect and say nothing, and keep the connection open.
    let silent: Vec<_> = (0..4).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Every worker waits for a request line that never comes, so the next
    // request waits in the queue.
    assert_unanswered_for(addr, Duration::from_secs(1));
    drop(silent);
}

#[test]
fn still_serves_hello_html() {
    let (addr, _stopping, _) = server();
    assert_bytes(
        &get(addr, "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}
