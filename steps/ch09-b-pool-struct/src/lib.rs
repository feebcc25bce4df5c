// ANCHOR: all
/// A set of threads that run the jobs we hand them.
pub struct ThreadPool;
// ANCHOR_END: all
