// ANCHOR: lib
//! Chapter 19 stops gracefully under load; the parser of requests and the
//! thread pool are chapter 16's, unchanged.

pub use ch16_parser::{QueueFull, ThreadPool, request};
// ANCHOR_END: lib
