//! Chapter 14: the queue has a limit. `try_execute` says `QueueFull` at once
//! when every worker is busy and the queue holds `queue` jobs; `execute`
//! waits for room instead.

use super::{QueueFull, ThreadPool};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// A pool of `size` workers, each held by a job that waits for `release`.
fn busy_pool(size: usize, queue: usize) -> (ThreadPool, mpsc::Sender<()>) {
    let pool = ThreadPool::new(size, queue);
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(std::sync::Mutex::new(released));
    let (started, starts) = mpsc::channel();
    for _ in 0..size {
        let released = Arc::clone(&released);
        let started = started.clone();
        pool.execute(move || {
            started.send(()).unwrap();
            let _ = released.lock().unwrap().recv_timeout(check::TIMEOUT);
        });
    }
    for _ in 0..size {
        starts
            .recv_timeout(check::TIMEOUT)
            .expect("a worker did not start");
    }
    (pool, release)
}

#[test]
fn try_execute_says_queue_full_once_the_queue_holds_queue_jobs() {
    let (pool, release) = busy_pool(2, 3);
    let ran = Arc::new(AtomicUsize::new(0));
    let job = |ran: &Arc<AtomicUsize>| {
        let ran = Arc::clone(ran);
        move || {
            ran.fetch_add(1, Ordering::SeqCst);
        }
    };
    // Both workers are busy: three jobs wait in the queue...
    for _ in 0..3 {
        assert_eq!(pool.try_execute(job(&ran)), Ok(()));
    }
    // ...and the next ones are refused, at once, however many come.
    let start = Instant::now();
    for _ in 0..1000 {
        assert_eq!(pool.try_execute(job(&ran)), Err(QueueFull));
    }
    assert!(start.elapsed() < Duration::from_secs(1));
    // The three that were taken run once the workers are free; the refused
    // ones were dropped and never run.
    drop(release);
    drop(pool);
    assert_eq!(ran.load(Ordering::SeqCst), 3);
}

#[test]
fn a_queue_of_zero_hands_jobs_only_to_a_waiting_worker() {
    // `sync_channel(0)`: a job is only taken by a worker that waits for it.
    let (pool, release) = busy_pool(1, 0);
    assert_eq!(pool.try_execute(|| {}), Err(QueueFull));
    drop(release);
    // Once the worker waits again, the next job is taken.
    let deadline = Instant::now() + check::TIMEOUT;
    let (done, finished) = mpsc::channel();
    loop {
        let done = done.clone();
        if pool.try_execute(move || done.send(()).unwrap()).is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "the free worker took no job");
        thread::sleep(Duration::from_millis(10));
    }
    finished.recv_timeout(check::TIMEOUT).unwrap();
}

#[test]
fn room_in_the_queue_comes_back_when_a_worker_takes_a_job() {
    let (pool, release) = busy_pool(1, 1);
    assert_eq!(pool.try_execute(|| {}), Ok(()));
    assert_eq!(pool.try_execute(|| {}), Err(QueueFull));
    // The worker finishes, takes the waiting job: the queue has room again.
    drop(release);
    let deadline = Instant::now() + check::TIMEOUT;
    while pool.try_execute(|| {}).is_err() {
        assert!(Instant::now() < deadline, "the queue stayed full");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn execute_waits_for_room_instead() {
    let (pool, release) = busy_pool(1, 1);
    pool.execute(|| {}); // the queue is full now
    let pool = Arc::new(pool);
    let (done, returned) = mpsc::channel();
    let waiting = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            pool.execute(|| {});
            done.send(()).unwrap();
        })
    };
    // `execute` does not return while the queue is full...
    assert!(returned.recv_timeout(Duration::from_millis(300)).is_err());
    // ...and returns once the worker makes room.
    drop(release);
    returned.recv_timeout(check::TIMEOUT).unwrap();
    waiting.join().unwrap();
}

#[test]
fn queue_full_says_what_happened() {
    assert_eq!(
        QueueFull.to_string(),
        "every worker is busy and the queue is full"
    );
}
