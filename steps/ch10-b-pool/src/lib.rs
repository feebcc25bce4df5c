// ANCHOR: all
//! A fixed number of threads that run the jobs we hand them.

// ANCHOR: use
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
// ANCHOR_END: use

// ANCHOR: types
/// A set of threads that run the jobs we hand them.
pub struct ThreadPool {
    #[expect(dead_code, reason = "chapter 11 waits for these threads")]
    workers: Vec<Worker>,
    sender: mpsc::Sender<Job>,
}

/// A job: a closure that runs once, on another thread.
type Job = Box<dyn FnOnce() + Send + 'static>;
// ANCHOR_END: types

impl ThreadPool {
    // ANCHOR: new
    /// Creates a pool of `size` threads.
    ///
    /// # Panics
    ///
    /// If `size` is zero: a pool without threads would never run anything.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one thread");

        let (sender, receiver) = mpsc::channel();
        // One receiver for all workers. The mutex lets one worker at a time
        // take a job; `Arc` lets them all own the mutex.
        let receiver = Arc::new(Mutex::new(receiver));

        let workers = (0..size)
            .map(|id| Worker::new(id, Arc::clone(&receiver)))
            .collect();

        ThreadPool { workers, sender }
    }
    // ANCHOR_END: new

    // ANCHOR: execute
    /// Runs `f` on the next worker that is free.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender.send(Box::new(f)).unwrap();
    }
    // ANCHOR_END: execute
}

// ANCHOR: worker
/// One thread of the pool, and the number we know it by.
struct Worker {
    #[expect(dead_code, reason = "chapter 11 prints it")]
    id: usize,
    #[expect(dead_code, reason = "chapter 11 waits for it")]
    thread: thread::JoinHandle<()>,
}

impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) -> Worker {
        let thread = thread::spawn(move || {
            loop {
                // ANCHOR: take_job
                // The guard that `lock` returns is a temporary of this
                // statement: the mutex is unlocked here, before the job runs.
                let job = receiver.lock().unwrap().recv().unwrap();
                // ANCHOR_END: take_job

                println!("Worker {id}: running a job.");
                job();
            }
        });
        Worker { id, thread }
    }
}
// ANCHOR_END: worker
// ANCHOR_END: all

#[cfg(test)]
mod pool_tests;
