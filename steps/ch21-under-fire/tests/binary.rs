//! Chapter 21: `cargo run -p ch21-under-fire`, as a reader runs it: its
//! check passes, chapter 20's claims and the two of chapter 21 that a
//! client can see (a body still coming when the closer is full, a queue
//! full for a moment). `tests/hostile.rs` fires at it.
#![cfg(target_os = "linux")]

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch21-under-fire");

/// What `cargo run -p check -- ch21 --pid <PID> --log server.log` checks.
#[test]
fn passes_chapter_21s_check() {
    check_binary(SERVER, 21, &[]);
}

/// What chapter 27's server on Tokio keeps and this one does not: its
/// reader holds 256 connections, and the next one gets a `503`.
#[test]
fn fails_chapter_27s_claim_of_many_open_connections() {
    testkit::check_binary_fails(SERVER, &[&check::claims::MANY_OPEN_CONNECTIONS]);
}

/// The other: twenty clients that ask for `/sleep` and reset their
/// connections a moment later leave their twenty sleeps running, four at a
/// time, and the four sleeps asked for next find no room.
#[test]
fn fails_chapter_27s_claim_that_a_hang_up_drops_the_work() {
    testkit::check_binary_fails(SERVER, &[&check::claims::HANG_UP_DROPS_THE_WORK]);
}
