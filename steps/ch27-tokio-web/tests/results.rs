//! The report that chapter 27 shows (`ci/measure-web.sh`): what the text
//! says of it must still hold after a new run.

static RESULTS: &str = include_str!("../results.txt");

/// One row of the table: a server under one load.
#[derive(Debug)]
struct Row {
    requests_per_second: u64,
    ok_per_second: u64,
    not_2xx: u64,
    socket_errors: &'static str,
    threads: u64,
}

/// The row of `server` under `load` (`-c50`, `-c1000`).
fn row(server: &str, load: &str) -> Row {
    let line = RESULTS
        .lines()
        .find(|line| {
            let mut words = line.split_whitespace();
            words.next() == Some(server) && words.next() == Some(load)
        })
        .unwrap_or_else(|| panic!("no row for {server} {load} in:\n{RESULTS}"));
    let words: Vec<&'static str> = line.split_whitespace().collect();
    let [_, _, per_second, ok, not_2xx, socket, _p99, _max, threads] = words[..] else {
        panic!("a row of nine columns, not {line:?}");
    };
    let number = |word: &str| -> u64 {
        word.parse()
            .unwrap_or_else(|_| panic!("{word:?} in {line:?}"))
    };
    Row {
        requests_per_second: number(per_second),
        ok_per_second: number(ok),
        not_2xx: number(not_2xx),
        socket_errors: socket,
        threads: number(threads),
    }
}

/// The share of answers that were not 2xx, in per cent: requests a second
/// are ten seconds' worth.
fn turned_away_percent(row: &Row) -> f64 {
    100.0 * row.not_2xx as f64 / (row.requests_per_second * 10) as f64
}

const SERVERS: [&str; 3] = ["nginx", "ch21-under-fire", "ch27-tokio-web"];
const LOADS: [&str; 2] = ["-c50", "-c1000"];

#[test]
fn the_report_says_where_and_how_it_was_made() {
    for start in [
        "machine: ",
        "run:     ",
        "load:    wrk -t2 -c50 -d10s",
        "nginx:   2 worker processes",
    ] {
        assert!(
            RESULTS.lines().any(|line| line.starts_with(start)),
            "no line {start:?} in:\n{RESULTS}"
        );
    }
}

/// No server lost a connection, and every worker was alive after each load.
#[test]
fn no_socket_errors_and_every_worker_alive() {
    for server in SERVERS {
        for load in LOADS {
            let row = row(server, load);
            assert_eq!(row.socket_errors, "none", "{server} {load}: {row:?}");
        }
    }
    for server in &SERVERS[1..] {
        for load in LOADS {
            let alive = format!("{server} after {load}: four requests for /sleep side by side");
            let line = RESULTS
                .lines()
                .find(|line| line.starts_with(&alive))
                .unwrap_or_else(|| panic!("no line {alive:?}"));
            assert!(line.ends_with("(every worker alive)"), "{line}");
        }
    }
}

/// Chapter 27: at fifty connections the server on Tokio answers at least as
/// many requests a second as nginx with two workers and keep-alive, all of
/// them with the page, on a thread per core and `main`'s.
#[test]
fn tokio_keeps_up_with_nginx() {
    let nginx = row("nginx", "-c50");
    let tokio = row("ch27-tokio-web", "-c50");
    assert_eq!(tokio.not_2xx, 0, "{tokio:?}");
    assert_eq!(nginx.not_2xx, 0, "{nginx:?}");
    assert!(
        tokio.ok_per_second >= nginx.ok_per_second,
        "{tokio:?} {nginx:?}"
    );
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
    assert_eq!(tokio.threads, cores + 1, "{tokio:?}");
    // Chapter 21's pool: behind both, with its eight threads.
    let pool = row("ch21-under-fire", "-c50");
    assert!(pool.ok_per_second < tokio.ok_per_second, "{pool:?}");
    assert!(pool.threads > tokio.threads, "{pool:?}");
}

/// At a thousand connections, chapter 21's reader holds 256 of them and
/// about a third of its answers are `503`s; on Tokio a few in a hundred
/// are; nginx, which has no limit, answers all.
#[test]
fn a_thousand_connections() {
    let pool = turned_away_percent(&row("ch21-under-fire", "-c1000"));
    assert!(
        (20.0..50.0).contains(&pool),
        "chapter 21: {pool:.1} % not 2xx"
    );
    let tokio = turned_away_percent(&row("ch27-tokio-web", "-c1000"));
    assert!(tokio < 10.0, "chapter 27: {tokio:.1} % not 2xx");
    assert_eq!(row("nginx", "-c1000").not_2xx, 0);
}
