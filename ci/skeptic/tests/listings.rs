//! The Rust code blocks of every language's rendered book; see build.rs.
include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
