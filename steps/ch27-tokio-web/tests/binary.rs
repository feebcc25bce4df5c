//! Chapter 27: `cargo run -p ch27-tokio-web`, as a reader runs it: the
//! check of chapter 27 passes, which is every claim of Part III.
#![cfg(target_os = "linux")]

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch27-tokio-web");

/// What `cargo run -p check -- ch27 --pid <PID> --log server.log` checks.
#[test]
fn passes_chapter_27s_check() {
    check_binary(SERVER, 27, &[]);
}
