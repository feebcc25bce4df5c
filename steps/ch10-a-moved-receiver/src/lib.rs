// ANCHOR: all
use std::sync::mpsc;
use std::thread;

/// A set of threads that run the jobs we hand them.
pub struct ThreadPool {
    workers: Vec<Worker>,
    sender: mpsc::Sender<Job>,
}

/// A job: a closure that runs once, on another thread.
type Job = Box<dyn FnOnce() + Send + 'static>;

impl ThreadPool {
    /// Creates a pool of `size` threads.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one thread");

        // ANCHOR: new
        let (sender, receiver) = mpsc::channel();

        let mut workers = Vec::with_capacity(size);
        for id in 0..size {
            workers.push(Worker::new(id, receiver));
        }
        // ANCHOR_END: new

        ThreadPool { workers, sender }
    }

    /// Runs `f` on one of the pool's threads.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender.send(Box::new(f)).unwrap();
    }
}

/// One thread of the pool, and the number we know it by.
struct Worker {
    id: usize,
    thread: thread::JoinHandle<()>,
}

impl Worker {
    fn new(id: usize, receiver: mpsc::Receiver<Job>) -> Worker {
        let thread = thread::spawn(move || {
            for job in receiver {
                job();
            }
        });
        Worker { id, thread }
    }
}
// ANCHOR_END: all
