//! Chapter 7: `cargo run -p ch07-sleep` on 127.0.0.1:7878 does what
//! `cargo run -p check -- ch07` checks, and chapter 8's check shows what the
//! next chapter changes.

use testkit::check_binary;

const SERVER: &str = env!("CARGO_BIN_EXE_ch07-sleep");

#[test]
fn passes_chapter_7s_check() {
    check_binary(SERVER, 7, &[]);
}

#[test]
fn fails_chapter_8s_check_since_one_request_holds_up_the_others() {
    check_binary(
        SERVER,
        8,
        &[
            "root-not-held-up",
            "sleeps-side-by-side",
            "hang-up-does-not-stop-the-server",
        ],
    );
}
