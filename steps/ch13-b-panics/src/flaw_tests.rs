//! What the server of chapter 13 still gets wrong, as in chapter 12. Each
//! test passes because the flaw is there; the next chapters of Part III turn
//! them around.

use super::tests::server;
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use testkit::{TIMEOUT, assert_unanswered_for};

#[test]
fn flaw_the_queue_has_no_limit() {
    let pool = ch13_b_panics::ThreadPool::new(1);
    let (release, blocked) = mpsc::channel::<()>();
    pool.execute(move || {
        let _ = blocked.recv_timeout(TIMEOUT);
    });
    // The only worker is busy, yet `execute` takes 10,000 more jobs without
    // a word: the queue grows as long as clients keep coming.
    let ran = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    for _ in 0..10_000 {
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            ran.fetch_add(1, Ordering::SeqCst);
        });
    }
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(ran.load(Ordering::SeqCst), 0, "the worker was busy");
    // Every one of them was kept, and runs once the worker is free.
    drop(release);
    drop(pool);
    assert_eq!(ran.load(Ordering::SeqCst), 10_000);
}

#[test]
fn flaw_a_client_that_stays_connected_and_sends_nothing_holds_a_worker_forever() {
    let (addr, _stopping, _) = server();
    // Four clients connect and say nothing, and keep the connection open.
    let silent: Vec<_> = (0..4).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Every worker waits for a request line that never comes, so the next
    // request waits in the queue.
    assert_unanswered_for(addr, Duration::from_secs(1));
    drop(silent);
}
