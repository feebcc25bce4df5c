//! Chapter 10: `cargo run -p ch10-b-pool` on 127.0.0.1:7878 does what
//! `cargo run -p check -- ch10` checks; chapter 11's check shows what the
//! next chapter changes.

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch10-b-pool");

#[test]
fn passes_chapter_10s_check() {
    check_binary(SERVER, 10, &[]);
}

#[test]
fn fails_chapter_11s_check_since_it_neither_survives_hang_ups_nor_stops_gracefully() {
    check_binary(
        SERVER,
        11,
        &[
            "hang-ups-cost-no-worker",
            "ctrl-c-finishes-the-request-in-progress",
        ],
    );
}
