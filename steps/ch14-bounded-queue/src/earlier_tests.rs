//! The pool's tests of chapters 11 and 13 still pass: `drop` waits for every
//! job, and a job that panics costs no worker. They create pools with
//! `ThreadPool::new(size)`; here that is a pool whose queue is long enough
//! for every job they hand in, and whose `execute` waits for room anyway.

/// The pool of this chapter, created as the earlier chapters did.
struct ThreadPool(super::ThreadPool);

impl ThreadPool {
    fn new(size: usize) -> ThreadPool {
        ThreadPool(super::ThreadPool::new(size, 64))
    }

    fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.0.execute(f);
    }
}

#[path = "../../ch11-a-drop/src/pool_tests.rs"]
mod pool_tests;

#[path = "../../ch13-b-panics/src/panic_tests.rs"]
mod panic_tests;
