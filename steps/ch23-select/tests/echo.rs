//! The `select` server, as `loadgen` runs it: every client gets every line
//! back while there are fewer than 1,024 of them, and the clients beyond
//! what `select` can watch are closed, not left hanging.
use loadgen::{Cause, Scenario, Server};
use std::time::Duration;

const SERVER: &str = env!("CARGO_BIN_EXE_echo-select");

#[test]
fn echoes_every_line_to_many_clients() {
    loadgen::smoke(SERVER).unwrap();
}

#[test]
fn closes_the_connections_that_select_cannot_watch() {
    // Enough open files for the server (which inherits the limit) and for
    // the clients: the limit that shows must be select's.
    loadgen::raise_open_files(3_000);
    let server = Server::start(SERVER, &[]).unwrap();
    let scenario = Scenario {
        addr: server.addr,
        clients: 1_500,
        messages: 5,
        size: 64,
        timeout: Duration::from_secs(20),
        limit: Duration::from_secs(60),
        threads: 2,
    };
    let report = loadgen::run(&scenario, |_| {}).unwrap();
    let closed = report.failures.get(&Cause::Closed).copied().unwrap_or(0)
        + report.failures.get(&Cause::Reset).copied().unwrap_or(0);
    let failed: usize = report.failures.values().sum();
    // Descriptors 0 to 1023, less the three standard ones and the listener:
    // about 1,020 clients fit; the other 480 or so are closed.
    assert!(
        (400..=600).contains(&closed) && failed == closed,
        "expected about 480 clients closed, and no other failure:\n{report}"
    );
    assert_eq!(
        report.round_trips,
        ((scenario.clients - failed) * scenario.messages) as u64,
        "the clients that were watched should get every line:\n{report}"
    );
}
