//! The thread pool of chapter 14, unchanged: chapter 15 changes only the
//! server. The pool's code, and its tests, are chapter 14's own file.

#[path = "../../ch14-bounded-queue/src/lib.rs"]
mod pool;

pub use pool::{QueueFull, ThreadPool};
