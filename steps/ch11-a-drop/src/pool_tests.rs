//! Dropping the pool lets every job that was handed in finish, then stops the threads.

use super::ThreadPool;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
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
    /// Says goodbye when the thread it lives in ends, slowly, so that a
    /// `drop` that does not wait for the threads returns before it.
    struct Goodbye(mpsc::Sender<()>);
    impl Drop for Goodbye {
        fn drop(&mut self) {
            thread::sleep(Duration::from_millis(300));
            let _ = self.0.send(());
        }
    }
    thread_local! {
        static GOODBYE: RefCell<Option<Goodbye>> = const { RefCell::new(None) };
    }

    let pool = ThreadPool::new(3);
    // Three jobs that wait for each other: one runs on each worker, and
    // leaves a `Goodbye` in its thread.
    let all_three = Arc::new(Barrier::new(3));
    let (goodbye, goodbyes) = mpsc::channel();
    for _ in 0..3 {
        let all_three = Arc::clone(&all_three);
        let goodbye = Goodbye(goodbye.clone());
        pool.execute(move || {
            GOODBYE.with(|slot| *slot.borrow_mut() = Some(goodbye));
            all_three.wait();
        });
    }
    drop(goodbye);

    drop(pool);
    // `drop` returned only after every worker thread had ended.
    for _ in 0..3 {
        goodbyes
            .try_recv()
            .expect("`drop` returned while a worker thread was still running");
    }
}

#[test]
fn a_pool_whose_worker_panicked_still_shuts_down() {
    let pool = ThreadPool::new(2);
    pool.execute(|| panic!("a job that fails"));
    // `drop` reports the panic instead of panicking itself.
    drop(pool);
}
