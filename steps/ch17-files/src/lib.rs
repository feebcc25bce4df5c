// ANCHOR: lib
//! Chapter 17 serves files; the parser of requests and the thread pool are
//! chapter 16's, unchanged.

pub use ch16_parser::{QueueFull, ThreadPool, request};
// ANCHOR_END: lib
