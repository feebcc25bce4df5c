//! Chapter 28: `cargo run -p ch28-axum`, checked against chapter 27's
//! claims, which are all of Part III's. The framework keeps some of them
//! by itself; the others it leaves to us, and this test names them.
#![cfg(target_os = "linux")]

use testkit::check_binary_but;

const SERVER: &str = env!("CARGO_BIN_EXE_ch28-axum");

// ANCHOR: left_to_us
/// The claims of chapter 27 that the server on axum fails, as it is: its
/// answers are right, but not ours (empty 404s, 400s and 405s, a plain
/// 500); or the lesson is not the framework's to know (our time limits,
/// our log, our counts, a queue full for a moment).
const LEFT_TO_US: [&str; 19] = [
    "type-and-date",
    "malformed-gets-400",
    "unknown-method-gets-501",
    "other-method-gets-405",
    "versions",
    "body-does-not-cost-the-answer",
    "files-with-their-type",
    "no-way-out",
    "keeps-the-connection-open",
    "closes-when-asked",
    "idle-connection-closes",
    "hundred-requests-at-most",
    "silent-client-gets-408",
    "trickler-gets-408",
    "panic-gets-500",
    "logs-each-answer",
    "body-while-the-closer-is-full",
    "full-for-a-moment",
    "counts-what-it-did",
];
// ANCHOR_END: left_to_us

/// Lost more often than not: once stopping, hyper at once closes every
/// kept connection that waits for its next request, and a request on its
/// way then gets no answer (chapter 19 gives such connections a last call).
const RACES: [&str; 1] = ["stops-under-load"];

/// What `cargo run -p check -- ch27 --pid <PID> --log server.log` finds:
/// the eleven other claims hold, among them four at a time, the `503`,
/// five hundred open connections and a hang-up that drops the work.
#[test]
fn keeps_eleven_of_chapter_27s_claims() {
    check_binary_but(SERVER, 27, &LEFT_TO_US, &RACES);
}
