// ANCHOR: all
//! A fixed number of threads that run the jobs we hand them, and that finish
//! their work when the pool goes away.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;

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
        drop(self.sender.take());

        for worker in &mut self.workers {
            println!("Shutting down worker {}", worker.id);
            worker.thread.join().unwrap();
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
                // The lock is released at the end of this statement.
                let message = receiver.lock().unwrap().recv();

                match message {
                    Ok(job) => {
                        println!("Worker {id}: running a job.");
                        job();
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
