// ANCHOR: all
//! A fixed number of threads that run the jobs we hand them, that finish
//! their work when the pool goes away, and that outlive a job that panics.

// ANCHOR: use
use std::panic;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
// ANCHOR_END: use

// ANCHOR: types
/// A set of threads that run the jobs we hand them.
pub struct ThreadPool {
    workers: Vec<Worker>,
    // `None` once the pool is shutting down.
    sender: Option<mpsc::Sender<Job>>,
}
// ANCHOR_END: types

/// A job: a closure that runs once, on another thread.
type Job = Box<dyn FnOnce() + Send + 'static>;

impl ThreadPool {
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

        ThreadPool {
            workers,
            sender: Some(sender),
        }
    }

    // ANCHOR: execute
    /// Runs `f` on the next worker that is free.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let sender = self.sender.as_ref().expect("the pool is shutting down");
        sender.send(Box::new(f)).unwrap();
    }
    // ANCHOR_END: execute
}

// ANCHOR: drop
impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Dropping the only sender closes the channel: each worker's `recv`
        // fails as soon as the queue is empty, and the worker stops.
        drop(self.sender.take());

        for worker in self.workers.drain(..) {
            println!("Shutting down worker {}", worker.id);
            // `join` waits for the thread; it is an error if the thread panicked.
            if worker.thread.join().is_err() {
                eprintln!("Worker {} had stopped with a panic", worker.id);
            }
        }
    }
}
// ANCHOR_END: drop

/// One thread of the pool, and the number we know it by.
struct Worker {
    id: usize,
    thread: thread::JoinHandle<()>,
}

// ANCHOR: worker
impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) -> Worker {
        let thread = thread::spawn(move || {
            loop {
                // The lock is released at the end of this statement, before
                // the job runs: a job that panics cannot poison the mutex.
                let message = receiver.lock().unwrap().recv();

                match message {
                    Ok(job) => {
                        println!("Worker {id}: running a job.");
                        // ANCHOR: catch_unwind
                        // A first try: catch the job's panic.
                        if panic::catch_unwind(job).is_err() {
                            eprintln!("Worker {id}: a job panicked; carrying on.");
                        }
                        // ANCHOR_END: catch_unwind
                    }
                    Err(_) => {
                        println!("Worker {id}: the channel is closed, stopping.");
                        break;
                    }
                }
            }
        });
        Worker { id, thread }
    }
}
// ANCHOR_END: worker
// ANCHOR_END: all
