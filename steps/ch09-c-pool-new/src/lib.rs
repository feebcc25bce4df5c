// ANCHOR: all
/// A set of threads that run the jobs we hand them.
pub struct ThreadPool;

impl ThreadPool {
    /// Creates a pool of `size` threads.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a thread pool needs at least one thread");
        ThreadPool
    }
}
// ANCHOR_END: all
