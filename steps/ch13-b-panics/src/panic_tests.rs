//! Chapter 13: a job that panics ends, and its worker takes the next job.

use super::ThreadPool;
use std::sync::{Arc, RwLock, mpsc};
use std::time::Duration;

/// How long a job that should not start yet is given to start anyway.
const PATIENCE: Duration = Duration::from_millis(300);

#[test]
fn panicking_jobs_leave_every_worker_running() {
    let pool = ThreadPool::new(4);
    // Ten panics for each worker: in chapter 12's pool, the first four
    // would have ended all four threads.
    for i in 0..40 {
        pool.execute(move || panic!("job {i} fails on purpose"));
    }

    // Five jobs that wait at a closed gate: if the pool still has its four
    // workers, four of them start, and the fifth waits for a free worker.
    let gate = Arc::new(RwLock::new(()));
    let closed = gate.write().unwrap();
    let (started, starts) = mpsc::channel();
    for job in 0..5 {
        let gate = Arc::clone(&gate);
        let started = started.clone();
        pool.execute(move || {
            started.send(job).unwrap();
            drop(gate.read());
        });
    }
    for _ in 0..4 {
        starts
            .recv_timeout(check::TIMEOUT)
            .expect("fewer than four workers are left");
    }
    assert!(
        starts.recv_timeout(PATIENCE).is_err(),
        "a fifth job ran while four were waiting: the pool has more than four workers"
    );

    // Open the gate: the fifth job runs too, and the pool shuts down.
    drop(closed);
    assert_eq!(starts.recv_timeout(check::TIMEOUT), Ok(4));
    drop(pool);
}

#[test]
fn a_job_after_a_panic_runs_on_the_same_worker() {
    // One worker only: the job after the panic can only run if that worker
    // went on.
    let pool = ThreadPool::new(1);
    pool.execute(|| panic!("a job that fails"));
    let (done, finished) = mpsc::channel();
    pool.execute(move || done.send("after the panic").unwrap());
    assert_eq!(finished.recv_timeout(check::TIMEOUT), Ok("after the panic"));
}
