//! Chapter 15, first step: a time limit for every read. A client that sends
//! nothing more gets `408 Request Timeout`, and its worker is free again;
//! but a client that trickles its request never trips the limit, and slow
//! clients still hold the workers. The chapter's second step fixes both.

use super::{HEAD_TIME, SLEEP, serve};
use check::{Target, claims};
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;

/// Runs `serve` on an ephemeral port, until the test ends.
fn server() -> SocketAddr {
    testkit::spawn_server(|listener| serve(listener, &AtomicBool::new(false)))
}

/// The target that `check` sees: `/sleep` and the time limit both take a
/// second here.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr).sleep(SLEEP).head_time(HEAD_TIME)
}

#[test]
fn silent_client_gets_408() {
    claims::SILENT_CLIENT_GETS_408.assert_holds(&target(server()));
}

/// Every claim of chapter 15 but the two that this step gets wrong.
#[test]
fn passes_chapter_15s_check_but_for_trickling_and_slow_clients() {
    let chapter = check::Chapter::parse("ch15").unwrap();
    let report = check::run(chapter, &target(server()));
    assert_eq!(
        report.failed(),
        ["trickler-gets-408", "slow-clients-cost-no-worker"],
        "{}",
        report.render()
    );
}

// What the server still gets wrong. The tests pass because the flaws are
// there; the second step of chapter 15 turns them around.

#[test]
fn flaw_a_trickling_client_never_trips_the_time_limit() {
    claims::TRICKLER_GETS_408.assert_fails(&target(server()));
}

#[test]
fn flaw_slow_clients_still_cost_workers() {
    claims::SLOW_CLIENTS_COST_NO_WORKER.assert_fails(&target(server()));
}
