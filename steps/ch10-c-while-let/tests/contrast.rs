//! Chapter 10's contrast, checked both ways: one experiment, run against the
//! `while let` worker loop of this step and against the `let` loop of
//! `ch10-b-pool`, must tell them apart. So the damage test cannot pass by
//! accident, and the fix is proven to remove the damage.

use std::sync::mpsc;
use std::time::Duration;

/// Hands a four-thread pool two jobs: the first waits up to half a second for
/// the second to start. Tells whether the second started meanwhile, which it
/// can only if the first worker released the lock before running its job.
macro_rules! second_job_starts_while_the_first_runs {
    ($pool:ty) => {{
        let pool = <$pool>::new(4);
        let (started, second_started) = mpsc::channel();
        let (verdict, first_saw) = mpsc::channel();
        pool.execute(move || {
            let waited = second_started.recv_timeout(Duration::from_millis(500));
            verdict.send(waited.is_ok()).unwrap();
        });
        pool.execute(move || started.send(()).unwrap());
        first_saw.recv_timeout(Duration::from_secs(10)).unwrap()
    }};
}

#[test]
fn the_let_loop_runs_the_second_job_at_once() {
    assert!(second_job_starts_while_the_first_runs!(
        ch10_b_pool::ThreadPool
    ));
}

#[test]
fn the_while_let_loop_makes_the_second_job_wait() {
    assert!(!second_job_starts_while_the_first_runs!(
        ch10_c_while_let::ThreadPool
    ));
}
