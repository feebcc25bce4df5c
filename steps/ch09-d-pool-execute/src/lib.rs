// ANCHOR: all
/// A set of threads that run the jobs we hand them.
pub struct ThreadPool;

impl ThreadPool {
    /// Creates a pool of `size` threads.
    ///
    /// # Panics
    ///
    /// If `size` is zero: a pool without threads would never run anything.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one thread");
        ThreadPool
    }

    // ANCHOR: execute
    /// Runs `f` on one of the pool's threads.
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        // Nothing runs `f` yet: it is dropped here, and whatever it owns with it.
        drop(f);
    }
    // ANCHOR_END: execute
}
// ANCHOR_END: all
