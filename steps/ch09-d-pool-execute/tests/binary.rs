//! Chapter 9: `cargo run -p ch09-d-pool-execute` on 127.0.0.1:7878 compiles
//! and answers nothing, as `cargo run -p check -- ch09` checks; chapter 10's
//! check fails all along.

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch09-d-pool-execute");

#[test]
fn passes_chapter_9s_check() {
    check_binary(SERVER, 9, &[]);
}

#[test]
fn fails_chapter_10s_check_since_the_pool_runs_nothing() {
    check_binary(
        SERVER,
        10,
        &[
            "hello-for-root",
            "not-found-for-other-paths",
            "exact-request-line",
            "sleep-answers-after-sleeping",
            "root-not-held-up",
            "four-at-a-time",
        ],
    );
}
