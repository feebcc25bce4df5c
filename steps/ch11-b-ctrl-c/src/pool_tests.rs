//! Dropping the pool lets every job that was handed in finish, then stops the threads.

use super::ThreadPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

#[test]
fn dropping_the_pool_waits_for_every_job() {
    let pool = ThreadPool::new(2);
    let finished = Arc::new(AtomicUsize::new(0));
    for _ in 0..6 {
        let finished = Arc::clone(&finished);
        pool.execute(move || {
            thread::sleep(Duration::from_millis(50));
            finished.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    // Not one job lost: the queue was emptied before the workers stopped.
    assert_eq!(finished.load(Ordering::SeqCst), 6);
}

#[test]
fn dropping_the_pool_stops_its_threads() {
    let pool = ThreadPool::new(3);
    let threads: Vec<_> = pool
        .workers
        .iter()
        .map(|worker| worker.thread.thread().id())
        .collect();
    assert_eq!(threads.len(), 3);
    drop(pool); // joins every thread: returning at all proves they ended
}

#[test]
fn a_pool_whose_worker_panicked_still_shuts_down() {
    let pool = ThreadPool::new(2);
    pool.execute(|| panic!("a job that fails"));
    // `drop` reports the panic instead of panicking itself.
    drop(pool);
}
