//! Each of chapter 22's echo servers, as `loadgen` runs it: every client
//! gets every line back, with work on each line and without.

use loadgen::{Scenario, Server};
use std::time::Duration;

fn scenario(server: &Server, clients: usize) -> Scenario {
    Scenario {
        addr: server.addr,
        clients,
        messages: 20,
        size: 64,
        timeout: Duration::from_secs(10),
        limit: Duration::from_secs(60),
        threads: 2,
    }
}

fn echoes_every_line(path: &str) {
    for work in ["0", "20000"] {
        let server = Server::start(path, &["--work", work]).unwrap();
        let report = loadgen::run(&scenario(&server, 200), |_| {}).unwrap();
        assert!(report.complete(), "--work {work}:\n{report}");
    }
}

#[test]
fn one_thread_echoes_every_line() {
    echoes_every_line(env!("CARGO_BIN_EXE_echo-blocking"));
}

#[test]
fn a_thread_per_connection_echoes_every_line() {
    echoes_every_line(env!("CARGO_BIN_EXE_echo-threads"));
}

#[test]
fn a_pool_echoes_every_line() {
    echoes_every_line(env!("CARGO_BIN_EXE_echo-pool"));
}

/// The servers take loopback addresses only.
#[test]
fn refuses_an_address_that_is_not_loopback() {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_echo-threads"))
        .args(["--addr", "0.0.0.0:0"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
