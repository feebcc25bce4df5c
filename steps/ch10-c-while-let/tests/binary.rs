//! Chapter 10, the `while let` loop: `cargo run -p ch10-c-while-let` fails
//! `cargo run -p check -- ch10` exactly where its lock makes requests wait.

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch10-c-while-let");

#[test]
fn fails_chapter_10s_check_since_it_runs_one_request_at_a_time() {
    check_binary(SERVER, 10, &["root-not-held-up", "four-at-a-time"]);
}
