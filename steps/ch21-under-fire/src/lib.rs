// ANCHOR: lib
//! Chapter 21 fixes three flaws of chapter 20's server that only show under
//! fire; the parser of requests is chapter 16's, and the pool chapter 14's
//! with named threads, as in chapter 20.

pub mod pool;

pub use ch16_parser::request;
pub use pool::{QueueFull, ThreadPool};
// ANCHOR_END: lib
