//! The committed matrix, `results/` (written by `ci/measure-echo.sh`): its
//! rows files are what `matrix.tsv` gives, and it says what the chapters
//! of Part IV say of it. A new run that says otherwise fails here, and the
//! chapter's text is then to be read again.
use loadgen::matrix::{self, LOADS, MODELS, Row};
use std::fs;
use std::path::Path;

fn results() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/results"))
}

fn rows() -> Vec<Row> {
    let text = fs::read_to_string(results().join("matrix.tsv")).expect("results/matrix.tsv");
    matrix::parse_tsv(&text).unwrap()
}

/// The cores of the machine of the run, from the report's second line.
fn cores() -> u64 {
    let text = fs::read_to_string(results().join("matrix.txt")).unwrap();
    let machine = text.lines().nth(1).unwrap_or_default();
    // `machine: <CPU>, 2 cores; kernel: …`
    machine
        .split_once(" cores;")
        .and_then(|(before, _)| before.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no core count in {machine:?}"))
}

#[track_caller]
fn row<'a>(rows: &'a [Row], server: &str, scenario: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.server == server && r.scenario == scenario)
        .unwrap_or_else(|| panic!("no run of {server} in {scenario} in matrix.tsv"))
}

#[test]
fn every_server_ran_every_scenario() {
    let rows = rows();
    for load in LOADS {
        for model in MODELS {
            let row = row(&rows, model.binary, load.name);
            assert_eq!(
                (row.clients, row.messages, row.work),
                (load.clients, load.messages, load.work),
                "{} {}: not the scenario the matrix runs now",
                model.binary,
                load.name
            );
        }
    }
    assert_eq!(rows.len(), LOADS.len() * MODELS.len());
}

#[test]
fn the_rows_files_are_those_of_matrix_tsv() {
    for (name, expected) in matrix::rows_files(&rows()) {
        let path = results().join("rows").join(&name);
        let found = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            found, expected,
            "results/rows/{name} is stale: run ci/measure-echo.sh, which writes it from matrix.tsv"
        );
    }
}

#[test]
fn the_report_names_the_machine_and_the_run() {
    let text = fs::read_to_string(results().join("matrix.txt")).unwrap();
    let mut lines = text.lines().skip(1);
    let machine = lines.next().unwrap_or_default();
    let run = lines.next().unwrap_or_default();
    assert!(
        machine.starts_with("machine: ") && machine.contains("cores; kernel: "),
        "{machine}"
    );
    assert!(run.starts_with("run:     20"), "no date: {run}");
    assert!(run.contains("by ci/measure-echo.sh;"), "{run}");
}

/// The load generator did not limit any run (issue: it says so when it does).
#[test]
fn the_load_generator_was_never_the_bottleneck() {
    for row in rows() {
        assert!(
            !row.cpu_bound,
            "{} {}: loadgen's CPU limited it",
            row.server, row.scenario
        );
    }
}

/// Chapter 22: with 1,000 clients every thread server answers every line;
/// the one thread serves one client after the other and takes longest.
#[test]
fn chapter_22_a_thousand_clients() {
    let rows = rows();
    for server in ["echo-blocking", "echo-threads", "echo-pool"] {
        assert!(row(&rows, server, "1k").complete(), "{server}");
    }
    let blocking = row(&rows, "echo-blocking", "1k");
    for server in ["echo-threads", "echo-pool"] {
        assert!(
            blocking.echo_ms > 2 * row(&rows, server, "1k").echo_ms,
            "{server}"
        );
    }
}

/// Chapter 22: with 10,000 clients, a thread per connection still answers
/// every line, with ten thousand threads and many times the memory of the
/// pool; the one thread and the pool leave clients waiting past the
/// timeout; the acceptor that starts a thread for each falls behind, and
/// thousands of handshakes are dropped and tried again.
#[test]
fn chapter_22_ten_thousand_clients() {
    let rows = rows();
    let threads = row(&rows, "echo-threads", "10k");
    assert!(threads.complete(), "{threads:?}");
    assert!(threads.server_threads >= 9_000, "{threads:?}");
    let pool = row(&rows, "echo-pool", "10k");
    assert!(pool.server_threads <= 6, "{pool:?}");
    assert!(
        threads.server_peak_kib > 20 * pool.server_peak_kib,
        "{threads:?} {pool:?}"
    );
    for server in ["echo-blocking", "echo-pool"] {
        let row = row(&rows, server, "10k");
        assert!(row.failed() > 0, "{server} finished 10k");
        assert!(
            row.failures
                .iter()
                .all(|(cause, _)| cause == "echo-timeout" || cause == "connect-timeout"),
            "{server}: {:?}",
            row.failures
        );
    }
    // The one thread takes no connection while it serves one: a listen
    // queue's worth connect, the others time out; it fails more clients
    // than the pool.
    let blocking = row(&rows, "echo-blocking", "10k");
    assert!(blocking.connected <= 4_096 + 8, "{blocking:?}");
    assert!(
        blocking
            .failures
            .iter()
            .any(|(cause, _)| cause == "connect-timeout"),
        "{blocking:?}"
    );
    assert!(blocking.failed() > pool.failed(), "{blocking:?} {pool:?}");
    // Handshakes dropped by a full listen queue, and tried again a second
    // later: a few may happen to any server here; thousands to this one.
    assert!(threads.slow_connects >= 1_000, "{threads:?}");
    assert!(
        threads.slow_connects > 3 * pool.slow_connects,
        "{threads:?} {pool:?}"
    );
}

/// Chapter 22: with a millisecond of work per line, the pool's four
/// workers share two cores and finish, and so do ten thousand threads, in
/// about the same time; the one thread's clients time out connecting.
#[test]
fn chapter_22_work_on_every_line() {
    let rows = rows();
    let pool = row(&rows, "echo-pool", "10k-cpu");
    let threads = row(&rows, "echo-threads", "10k-cpu");
    assert!(pool.complete(), "{pool:?}");
    assert!(threads.complete(), "{threads:?}");
    // About as long: within half again of each other.
    assert!(
        pool.echo_ms * 2 < threads.echo_ms * 3 && threads.echo_ms * 2 < pool.echo_ms * 3,
        "pool {} ms, threads {} ms",
        pool.echo_ms,
        threads.echo_ms
    );
    let blocking = row(&rows, "echo-blocking", "10k-cpu");
    assert!(
        blocking
            .failures
            .iter()
            .any(|(cause, _)| cause == "connect-timeout"),
        "{blocking:?}"
    );
}

/// Chapter 23: `select` serves a thousand clients, and of ten thousand it
/// can watch only those whose file descriptors are below 1,024: it closes
/// the others, about nine thousand, and serves the rest to the end.
#[test]
fn chapter_23_select_and_its_limit() {
    let rows = rows();
    assert!(row(&rows, "echo-select", "1k").complete());
    let select = row(&rows, "echo-select", "10k");
    let failed = select.failed();
    assert!((8_900..=9_100).contains(&failed), "{select:?}");
    assert!(
        select
            .failures
            .iter()
            .all(|(cause, _)| cause == "closed" || cause == "reset"),
        "{:?}",
        select.failures
    );
    assert_eq!(
        select.round_trips,
        ((select.clients - failed) * select.messages) as u64,
        "{select:?}"
    );
}

/// Chapter 24: one event loop serves every line of ten thousand clients,
/// with one thread and a fraction of the memory of a thread per
/// connection; with work on every line its one core makes it clearly
/// slower than the servers that have two.
#[test]
fn chapter_24_one_event_loop() {
    let rows = rows();
    let event_loop = row(&rows, "echo-event-loop", "10k");
    assert!(event_loop.complete(), "{event_loop:?}");
    assert_eq!(event_loop.server_threads, 1, "{event_loop:?}");
    let threads = row(&rows, "echo-threads", "10k");
    assert!(
        event_loop.server_peak_kib * 5 < threads.server_peak_kib,
        "{event_loop:?} {threads:?}"
    );
    // Every client has a line in flight, so each waits for the others'
    // turns: the median round trip is about clients / round trips a second
    // (Little's law), give or take half.
    let turn_us = 1e6 * event_loop.clients as f64 / event_loop.per_second as f64;
    let median = event_loop.p50_us as f64;
    assert!(
        median > 0.5 * turn_us && median < 1.5 * turn_us,
        "median {median} µs, a turn {turn_us:.0} µs"
    );
    assert!(threads.p50_us * 100 < event_loop.p50_us, "{threads:?}");
    let busy = row(&rows, "echo-event-loop", "10k-cpu");
    assert!(busy.complete(), "{busy:?}");
    for server in ["echo-threads", "echo-pool"] {
        let two_cores = row(&rows, server, "10k-cpu");
        assert!(two_cores.complete(), "{two_cores:?}");
        assert!(
            busy.echo_ms * 10 > two_cores.echo_ms * 14,
            "one loop {} ms, {server} {} ms",
            busy.echo_ms,
            two_cores.echo_ms
        );
    }
}

/// Chapter 25: one loop per core serves every line of ten thousand
/// clients with a thread per core, and with work on every line it takes
/// clearly less time than one loop.
#[test]
fn chapter_25_one_loop_per_core() {
    let rows = rows();
    let per_core = row(&rows, "echo-per-core", "10k");
    assert!(per_core.complete(), "{per_core:?}");
    // The main thread, which waits for the loops, and a loop per core.
    assert_eq!(per_core.server_threads, 1 + cores(), "{per_core:?}");
    let busy = row(&rows, "echo-per-core", "10k-cpu");
    let one = row(&rows, "echo-event-loop", "10k-cpu");
    assert!(busy.complete(), "{busy:?}");
    // Without work, the load generator and the server share the two
    // cores, and the second loop adds little.
    let one_10k = row(&rows, "echo-event-loop", "10k");
    assert!(
        per_core.per_second * 10 < one_10k.per_second * 13,
        "{per_core:?} {one_10k:?}"
    );
    assert!(
        busy.echo_ms * 4 < one.echo_ms * 3,
        "per core {} ms, one loop {} ms",
        busy.echo_ms,
        one.echo_ms
    );
}

/// Chapter 26: Tokio serves every line of ten thousand clients with a
/// thread per core (and the main thread), at about the event loops' pace;
/// each task keeps some 12 KiB (its future's 4 KiB array and two 4 KiB
/// buffers); with work on every line it uses both cores. Some of its
/// clients wait a second to connect; none of the event loop's do.
#[test]
fn chapter_26_tokio() {
    let rows = rows();
    let tokio = row(&rows, "echo-tokio", "10k");
    assert!(tokio.complete(), "{tokio:?}");
    assert_eq!(tokio.server_threads, 1 + cores(), "{tokio:?}");
    let event_loop = row(&rows, "echo-event-loop", "10k");
    assert!(
        tokio.per_second * 10 > event_loop.per_second * 8,
        "{tokio:?} {event_loop:?}"
    );
    let per_client_bytes =
        (tokio.server_peak_kib - event_loop.server_peak_kib) * 1024 / tokio.clients as u64;
    assert!(
        (8 * 1024..=20 * 1024).contains(&per_client_bytes),
        "{per_client_bytes} bytes a client"
    );
    // The event loop's connections keep only what they have read: less
    // than a kibibyte each, the process's own memory included.
    assert!(
        event_loop.server_peak_kib * 1024 < event_loop.clients as u64 * 1024,
        "{event_loop:?}"
    );
    let threads = row(&rows, "echo-threads", "10k");
    assert!(tokio.server_peak_kib < threads.server_peak_kib, "{tokio:?}");
    // Its connect time stands out: handshakes dropped and tried again a
    // second later; the event loops lose none.
    assert!(tokio.slow_connects > 0, "{tokio:?}");
    assert_eq!(event_loop.slow_connects, 0, "{event_loop:?}");
    let busy = row(&rows, "echo-tokio", "10k-cpu");
    let one = row(&rows, "echo-event-loop", "10k-cpu");
    assert!(busy.complete(), "{busy:?}");
    assert!(busy.echo_ms * 4 < one.echo_ms * 3, "{busy:?} {one:?}");
    // About as long as one loop per core: within a quarter.
    let per_core = row(&rows, "echo-per-core", "10k-cpu");
    assert!(
        busy.echo_ms * 4 < per_core.echo_ms * 5 && per_core.echo_ms * 4 < busy.echo_ms * 5,
        "{busy:?} {per_core:?}"
    );
}
