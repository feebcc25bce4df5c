//! The damage of `while let`: a worker keeps the lock while its job runs.

use super::ThreadPool;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn a_second_job_cannot_start_while_the_first_runs() {
    let pool = ThreadPool::new(4);
    let (started, second_started) = mpsc::channel();
    let (verdict, first_saw) = mpsc::channel();

    // The first job waits for the second to start. Three workers are idle,
    // yet none can take the second job: the first worker holds the lock.
    pool.execute(move || {
        let waited = second_started.recv_timeout(Duration::from_millis(500));
        verdict.send(waited.is_ok()).unwrap();
    });
    pool.execute(move || started.send(()).unwrap());

    let second_ran_meanwhile = first_saw.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(
        !second_ran_meanwhile,
        "the second job started while the first ran"
    );
}
