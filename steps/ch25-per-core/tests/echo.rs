//! The server with one event loop per core, as `loadgen` runs it: every
//! client gets every line back, with work on each line and without, with
//! two loops and with one.

#[test]
fn echoes_every_line_to_many_clients() {
    loadgen::smoke(env!("CARGO_BIN_EXE_echo-per-core")).unwrap();
}

/// Every loop takes its share of the clients: after lines that each cost
/// work, each of the two loops' threads has used a good part of the
/// processor time (Linux: read from `/proc`). Not a race against the
/// clock, so that other work on the machine cannot make it fail.
#[cfg(target_os = "linux")]
#[test]
fn both_loops_take_their_share() {
    use loadgen::{Scenario, Server};
    use std::time::Duration;
    let server = Server::start(
        env!("CARGO_BIN_EXE_echo-per-core"),
        &["--threads", "2", "--work", "400000"],
    )
    .unwrap();
    let scenario = Scenario {
        addr: server.addr,
        clients: 400,
        messages: 5,
        size: 64,
        timeout: Duration::from_secs(60),
        limit: Duration::from_secs(120),
        threads: 2,
    };
    let report = loadgen::run(&scenario, |_| {}).unwrap();
    assert!(report.complete(), "{report}");
    let loops = loop_times(server.pid());
    let total: u64 = loops.iter().map(|(_, ticks)| ticks).sum();
    assert_eq!(loops.len(), 2, "{loops:?}");
    for (name, ticks) in &loops {
        assert!(
            *ticks * 5 >= total,
            "{name} used {ticks} of the loops' {total} ticks of processor time: \
             it took less than a fifth of the clients ({loops:?})"
        );
    }
}

/// The processor time (user and system, in clock ticks) of each thread
/// of `pid` whose name starts with `loop-`.
#[cfg(target_os = "linux")]
fn loop_times(pid: u32) -> Vec<(String, u64)> {
    let mut loops = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let dir = task.unwrap().path();
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let name = name.trim();
        if !name.starts_with("loop-") {
            continue;
        }
        let ticks = loadgen::cpu_ticks(&dir.join("stat").to_string_lossy());
        loops.push((name.to_string(), ticks));
    }
    loops.sort();
    loops
}
