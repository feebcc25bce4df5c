//! Chapter 16: `cargo run -p ch16-parser`, as a reader runs it: its check
//! passes, Ctrl-C included.
#![cfg(target_os = "linux")]

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch16-parser");

/// What `cargo run -p check -- ch16 --pid <PID>` checks.
#[test]
fn passes_chapter_16s_check() {
    check_binary(SERVER, 16, &[]);
}
