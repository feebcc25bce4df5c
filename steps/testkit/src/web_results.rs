//! The table that `ci/measure-web.sh` writes (chapters 27 and 28): a row
//! per server and load, as `wrk` saw it.

/// One row of the table: a server under one load.
#[derive(Debug)]
pub struct Row {
    pub requests_per_second: u64,
    pub ok_per_second: u64,
    pub not_2xx: u64,
    /// `none`, or what wrk counted.
    pub socket_errors: &'static str,
    pub threads: u64,
}

impl Row {
    /// The row of `server` under `load` (`-c50`, `-c1000`) in `results`.
    pub fn of(results: &'static str, server: &str, load: &str) -> Row {
        let line = results
            .lines()
            .find(|line| {
                let mut words = line.split_whitespace();
                words.next() == Some(server) && words.next() == Some(load)
            })
            .unwrap_or_else(|| panic!("no row for {server} {load} in:\n{results}"));
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

    /// The share of answers that were not 2xx, in per cent: requests a
    /// second are ten seconds' worth.
    pub fn turned_away_percent(&self) -> f64 {
        100.0 * self.not_2xx as f64 / (self.requests_per_second * 10) as f64
    }
}

/// Whether, after each load, four requests for `/sleep` ran side by side
/// on `server`: `ch27-tokio-web after -c50: … (every worker alive)`.
pub fn every_worker_alive(results: &str, server: &str, load: &str) -> bool {
    let start = format!("{server} after {load}: four requests for /sleep side by side");
    results
        .lines()
        .find(|line| line.starts_with(&start))
        .is_some_and(|line| line.ends_with("(every worker alive)"))
}

/// Whether the report has the lines that say where and how it was made.
pub fn says_how_it_was_made(results: &str) -> bool {
    [
        "machine: ",
        "run:     ",
        "load:    wrk -t2 -c50 -d10s",
        "nginx:   2 worker processes",
    ]
    .iter()
    .all(|start| results.lines().any(|line| line.starts_with(start)))
}

/// Asserts that no server of `servers` lost a connection under either load,
/// and that after each load every worker of the book's servers (all but
/// nginx) was alive.
pub fn assert_no_socket_errors_and_every_worker_alive(results: &'static str, servers: &[&str]) {
    for server in servers {
        for load in ["-c50", "-c1000"] {
            let row = Row::of(results, server, load);
            assert_eq!(row.socket_errors, "none", "{server} {load}: {row:?}");
            if *server != "nginx" {
                assert!(every_worker_alive(results, server, load), "{server} {load}");
            }
        }
    }
}
