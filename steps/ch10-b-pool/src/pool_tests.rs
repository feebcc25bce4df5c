//! What every version of the pool must do, whatever its worker loop looks like.

use super::ThreadPool;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

#[test]
#[should_panic(expected = "at least one thread")]
fn a_pool_of_zero_threads_is_refused() {
    ThreadPool::new(0);
}

#[test]
fn runs_every_job_once_on_the_pool_threads() {
    let pool = ThreadPool::new(3);
    let (done, results) = mpsc::channel();
    for n in 0..100 {
        let done = done.clone();
        pool.execute(move || done.send((n, thread::current().id())).unwrap());
    }
    let seen: Vec<_> = (0..100)
        .map(|_| results.recv_timeout(TIMEOUT).expect("a job did not run"))
        .collect();
    assert!(seen.iter().all(|(_, id)| *id != thread::current().id()));
    let mut numbers: Vec<_> = seen.iter().map(|(n, _)| *n).collect();
    numbers.sort();
    assert_eq!(numbers, (0..100).collect::<Vec<_>>());
}

#[test]
fn jobs_run_side_by_side() {
    // Two jobs that each wait for the other: only two threads at once can finish them.
    let pool = ThreadPool::new(2);
    let (a_tx, a_rx) = mpsc::channel();
    let (b_tx, b_rx) = mpsc::channel();
    let (done, finished) = mpsc::channel();
    let done_a = done.clone();
    pool.execute(move || {
        a_tx.send(()).unwrap();
        b_rx.recv_timeout(TIMEOUT).unwrap();
        done_a.send(()).unwrap();
    });
    pool.execute(move || {
        b_tx.send(()).unwrap();
        a_rx.recv_timeout(TIMEOUT).unwrap();
        done.send(()).unwrap();
    });
    finished.recv_timeout(TIMEOUT).unwrap();
    finished.recv_timeout(TIMEOUT).unwrap();
}
