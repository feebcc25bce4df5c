// ANCHOR: lib
//! Chapter 16: the parser of request heads ([`request`]), and chapter 14's
//! thread pool, unchanged (the pool's code, and its tests, are chapter 14's
//! own file).

pub mod request;

#[path = "../../ch14-bounded-queue/src/lib.rs"]
mod pool;

pub use pool::{QueueFull, ThreadPool};
// ANCHOR_END: lib
