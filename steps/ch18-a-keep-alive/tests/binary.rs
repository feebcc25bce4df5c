//! Chapter 18, first step: `cargo run -p ch18-a-keep-alive`, as a reader
//! runs it: its check passes, Ctrl-C included, but for the claim that the
//! next step makes true.
#![cfg(target_os = "linux")]

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch18-a-keep-alive");

/// What `cargo run -p check -- ch18 --pid <PID>` checks.
#[test]
fn passes_chapter_18s_check_but_for_idle_connections() {
    check_binary(SERVER, 18, &["idle-connections-cost-no-worker"]);
}
