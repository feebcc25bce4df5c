// ANCHOR: lib
//! Chapter 20 logs each request and counts what it did; the parser of
//! requests is chapter 16's, and the pool chapter 14's with named threads.

pub mod pool;

pub use ch16_parser::request;
pub use pool::{QueueFull, ThreadPool};
// ANCHOR_END: lib
