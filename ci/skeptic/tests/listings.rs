//! The Rust code blocks of every language's rendered book; see build.rs.
// skeptic names tests after headings, which may give names like `a__b`.
#![allow(non_snake_case)]
include!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));
