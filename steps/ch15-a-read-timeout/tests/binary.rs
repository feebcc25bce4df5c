//! Chapter 15, first step: `cargo run -p ch15-a-read-timeout`, as a reader
//! runs it.
#![cfg(target_os = "linux")]

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch15-a-read-timeout");

/// What `cargo run -p check -- ch15 --pid <PID>` checks, Ctrl-C included:
/// all but the two claims that the chapter's second step makes hold.
#[test]
fn fails_chapter_15s_check_on_trickling_and_slow_clients() {
    check_binary(
        SERVER,
        15,
        &["trickler-gets-408", "slow-clients-cost-no-worker"],
    );
}
