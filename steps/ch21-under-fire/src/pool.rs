// ANCHOR: all
//! Chapter 14's pool, whose threads have names now (`worker-0`…), and which
//! no longer prints a line for each job: the server logs each request.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

// ANCHOR: types
/// A set of threads that run the jobs we hand them, and a queue of jobs
/// that wait for a free thread.
pub struct ThreadPool {
    workers: Vec<Worker>,
    // `None` once the pool is shutting down.
    sender: Option<mpsc::SyncSender<Job>>,
}
// ANCHOR_END: types

/// A job: a closure that runs once, on another thread.
type Job = Box<dyn FnOnce() + Send + 'static>;

// ANCHOR: queue_full
/// What [`ThreadPool::try_execute`] answers when every worker is busy and
/// the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull;

impl fmt::Display for QueueFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("every worker is busy and the queue is full")
    }
}

impl std::error::Error for QueueFull {}
// ANCHOR_END: queue_full

impl ThreadPool {
    // ANCHOR: new
    /// Creates a pool of `size` threads, and a queue that holds up to
    /// `queue` jobs while they wait for a thread.
    ///
    /// # Panics
    ///
    /// If `size` is zero: a pool without threads would never run anything.
    pub fn new(size: usize, queue: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one thread");

        // A channel that holds at most `queue` messages.
        let (sender, receiver) = mpsc::sync_channel(queue);
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
    // ANCHOR_END: new

    // ANCHOR: try_execute
    /// Runs `f` on the next worker that is free; if the queue is full,
    /// waits until there is room.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender().send(Box::new(f)).unwrap();
    }

    /// Runs `f` on the next worker that is free, if the queue has room;
    /// otherwise hands back [`QueueFull`] at once, and `f` is dropped.
    pub fn try_execute<F>(&self, f: F) -> Result<(), QueueFull>
    where
        F: FnOnce() + Send + 'static,
    {
        match self.sender().try_send(Box::new(f)) {
            Ok(()) => Ok(()),
            Err(mpsc::TrySendError::Full(_)) => Err(QueueFull),
            // Only the workers' end of the channel could be gone, and the
            // workers outlive the pool's sender.
            Err(mpsc::TrySendError::Disconnected(_)) => unreachable!("the workers have stopped"),
        }
    }

    fn sender(&self) -> &mpsc::SyncSender<Job> {
        self.sender.as_ref().expect("the pool is shutting down")
    }
    // ANCHOR_END: try_execute
}

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

/// One thread of the pool, and the number we know it by.
struct Worker {
    id: usize,
    thread: thread::JoinHandle<()>,
}

impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) -> Worker {
        // ANCHOR: named
        // A name that panic messages, debuggers and `top -H` show, and that
        // the log line of each request shows.
        let thread = thread::Builder::new()
            .name(format!("worker-{id}"))
            .spawn(move || work(id, &receiver))
            .expect("cannot start a worker thread");
        // ANCHOR_END: named
        Worker { id, thread }
    }
}

/// What worker `id` does: runs the jobs it takes from `receiver`, until
/// the channel is closed.
fn work(id: usize, receiver: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        // The lock is released at the end of this statement, before the job
        // runs: a job that panics cannot poison the mutex.
        let message = receiver.lock().unwrap().recv();

        match message {
            // A job that panics ends, and its worker goes on to the next
            // job. (The panic's message is printed already.)
            Ok(job) => {
                if panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                    eprintln!("Worker {id}: a job panicked; carrying on.");
                }
            }
            Err(_) => {
                println!("Worker {id}: the channel is closed, stopping.");
                break;
            }
        }
    }
}
// ANCHOR_END: all

// The pool's tests of chapters 13 and 14 still pass.
#[cfg(test)]
#[path = "../../ch14-bounded-queue/src/earlier_tests.rs"]
mod earlier_tests;

#[cfg(test)]
#[path = "../../ch14-bounded-queue/src/queue_tests.rs"]
mod queue_tests;
