// ANCHOR: all
//! A fixed number of threads that run the jobs we hand them.

// ANCHOR: use
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
// ANCHOR_END: use

// ANCHOR: types
/// A set of threads that run the jobs we hand them.
pub struct ThreadPool {
    // Not read before chapter 11, which waits for these threads.
    #[expect(dead_code)]
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

        // `collect` builds the `Vec<Worker>` that the field `workers` asks for.
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
    // Not read before chapter 11, which prints it.
    #[expect(dead_code)]
    id: usize,
    // Not read before chapter 11, which waits for the thread to end.
    #[expect(dead_code)]
    thread: thread::JoinHandle<()>,
}

// ANCHOR: worker_new
impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) -> Worker {
        // `move`: the thread outlives `new`, so the closure must own
        // `receiver` and `id` instead of borrowing them.
        let thread = thread::spawn(move || {
            // ANCHOR: while_let
            // Not what we want: the lock stays held while the job runs.
            while let Ok(job) = receiver.lock().unwrap().recv() {
                println!("Worker {id}: running a job.");
                job();
            }
            // ANCHOR_END: while_let
        });
        Worker { id, thread }
    }
}
// ANCHOR_END: worker_new
// ANCHOR_END: worker
// ANCHOR_END: all
