//! Chapter 17: `cargo run -p ch17-files`, as a reader runs it: its check
//! passes, Ctrl-C included.
#![cfg(target_os = "linux")]

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch17-files");

/// What `cargo run -p check -- ch17 --pid <PID>` checks.
#[test]
fn passes_chapter_17s_check() {
    check_binary(SERVER, 17, &[]);
}
