//! Nothing here: this crate exists for its tests (`tests/listings.rs`), which
//! build.rs generates from the Markdown that mdBook rendered, one test per
//! Rust code block and language.
