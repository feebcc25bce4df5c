//! The report: a header that describes the machine, then the table, as plain
//! text that the book shows as terminal output.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use crate::procfs::Status;

/// The script that produces the results the book shows.
pub const SCRIPT: &str = "ci/measure-idle-connections.sh";

/// The column line of the table, and the line under it.
pub const COLUMNS: &str = "idle conns  threads  RSS MiB  RSS/conn KiB  virtual GiB  open ms";
pub const RULE: &str = "----------  -------  -------  ------------  -----------  -------";

/// Explains the columns, under the table.
pub const LEGEND: &str = "\
RSS: resident memory (VmRSS); RSS/conn: its growth since 0 connections,
per connection; virtual: address space reserved (VmSize); open ms: time
to connect the batch.";

/// The machine the run was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_kib: Option<u64>,
    pub kernel: String,
    pub threads_max: Option<u64>,
}

/// One line of the table: the server with `connections` idle connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub connections: usize,
    pub status: Status,
    /// How long connecting this batch took; `None` for the baseline.
    pub open: Option<Duration>,
}

/// How the connections were released at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub connections: usize,
    pub answered: usize,
    /// The server's threads when the waiting ended.
    pub threads: usize,
    pub waited: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub server: String,
    pub addr: SocketAddr,
    pub pid: u32,
    pub machine: Machine,
    /// The date, YYYY-MM-DD (UTC).
    pub date: String,
    /// Who ran the tool: the script, or somebody by hand.
    pub by_script: bool,
    /// "release", "debug", or "unknown".
    pub server_build: String,
    pub tool_build: String,
    /// The server before the first connection, then after each batch.
    pub baseline: Status,
    pub rows: Vec<Row>,
    /// Anything that did not go as planned, such as threads that never came.
    pub notes: Vec<String>,
    pub released: Option<Released>,
}

pub fn format_report(report: &Report) -> String {
    let mut out = String::new();
    let machine = &report.machine;
    let memory = match machine.memory_kib {
        Some(kib) => format!("{:.1} GiB", kib as f64 / (1024.0 * 1024.0)),
        None => "unknown".to_string(),
    };
    let threads_max = match machine.threads_max {
        Some(max) => max.to_string(),
        None => "unknown".to_string(),
    };
    let by = if report.by_script {
        SCRIPT
    } else {
        "hand (cargo run -p ch08-idle-connections)"
    };
    let cores = if machine.cores == 1 { "core" } else { "cores" };
    let _ = writeln!(
        out,
        "idle connections: {} on {} (pid {})",
        report.server, report.addr, report.pid
    );
    let _ = writeln!(
        out,
        "machine: {}, {} {cores}, {memory} memory",
        machine.cpu, machine.cores
    );
    let _ = writeln!(
        out,
        "kernel:  Linux {}, threads-max {threads_max}",
        machine.kernel
    );
    let _ = writeln!(
        out,
        "builds:  server {}, tool {}",
        report.server_build, report.tool_build
    );
    let _ = writeln!(out, "run:     {}, by {by}", report.date);
    out.push('\n');
    out.push_str(COLUMNS);
    out.push('\n');
    out.push_str(RULE);
    out.push('\n');
    let baseline = Row {
        connections: 0,
        status: report.baseline,
        open: None,
    };
    for row in std::iter::once(&baseline).chain(&report.rows) {
        out.push_str(&format_row(row, &report.baseline));
        out.push('\n');
    }
    out.push('\n');
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.push_str(LEGEND);
    out.push('\n');
    if let Some(released) = &report.released {
        out.push_str(&format_released(released, report.baseline.threads));
        out.push('\n');
    }
    out
}

/// One line of the table, aligned under [`COLUMNS`].
pub fn format_row(row: &Row, baseline: &Status) -> String {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let gib = |kib: u64| kib as f64 / (1024.0 * 1024.0);
    let per_connection = if row.connections == 0 {
        "-".to_string()
    } else {
        let grown = row.status.rss_kib as f64 - baseline.rss_kib as f64;
        format!("{:.1}", grown / row.connections as f64)
    };
    let open = match row.open {
        Some(took) => format!("{}", took.as_millis()),
        None => "-".to_string(),
    };
    format!(
        "{:>10}  {:>7}  {:>7.1}  {:>12}  {:>11.1}  {:>7}",
        row.connections,
        row.status.threads,
        mib(row.status.rss_kib),
        per_connection,
        gib(row.status.vm_kib),
        open
    )
}

pub fn format_released(released: &Released, baseline_threads: usize) -> String {
    let answered = if released.answered == released.connections {
        format!("all {} connections answered", released.connections)
    } else {
        format!(
            "{} of {} connections answered",
            released.answered, released.connections
        )
    };
    let threads = if released.threads == 1 {
        "1 thread".to_string()
    } else {
        format!("{} threads", released.threads)
    };
    let secs = released.waited.as_secs_f64();
    if released.threads <= baseline_threads {
        format!("released: {answered}; server back to {threads} in {secs:.1} s")
    } else {
        format!(
            "released: {answered}; server still at {threads} after {secs:.1} s \
             (baseline {baseline_threads})"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(threads: usize, rss_kib: u64, vm_kib: u64) -> Status {
        Status {
            threads,
            rss_kib,
            vm_kib,
        }
    }

    fn sample() -> Report {
        let baseline = status(1, 2048, 5 * 1024);
        let row = |connections: usize, rss_kib, vm_kib, ms| Row {
            connections,
            status: status(connections + 1, rss_kib, vm_kib),
            open: Some(Duration::from_millis(ms)),
        };
        Report {
            server: "ch08-thread-per-connection".to_string(),
            addr: "127.0.0.1:7878".parse().unwrap(),
            pid: 4242,
            machine: Machine {
                cpu: "AMD EPYC".to_string(),
                cores: 2,
                memory_kib: Some(24_683_656),
                kernel: "6.18.44".to_string(),
                threads_max: Some(192_729),
            },
            date: "2026-01-02".to_string(),
            by_script: true,
            server_build: "release".to_string(),
            tool_build: "release".to_string(),
            baseline,
            rows: vec![
                row(100, 3_072, 210 * 1024, 4),
                row(1000, 12_288, 2 * 1024 * 1024, 41),
                row(10_000, 102_400, 20 * 1024 * 1024, 1234),
            ],
            notes: Vec::new(),
            released: Some(Released {
                connections: 10_000,
                answered: 10_000,
                threads: 1,
                waited: Duration::from_millis(300),
            }),
        }
    }

    #[test]
    fn formats_the_report() {
        let expected = "\
idle connections: ch08-thread-per-connection on 127.0.0.1:7878 (pid 4242)
machine: AMD EPYC, 2 cores, 23.5 GiB memory
kernel:  Linux 6.18.44, threads-max 192729
builds:  server release, tool release
run:     2026-01-02, by ci/measure-idle-connections.sh

idle conns  threads  RSS MiB  RSS/conn KiB  virtual GiB  open ms
----------  -------  -------  ------------  -----------  -------
         0        1      2.0             -          0.0        -
       100      101      3.0          10.2          0.2        4
      1000     1001     12.0          10.2          2.0       41
     10000    10001    100.0          10.0         20.0     1234

RSS: resident memory (VmRSS); RSS/conn: its growth since 0 connections,
per connection; virtual: address space reserved (VmSize); open ms: time
to connect the batch.
released: all 10000 connections answered; server back to 1 thread in 0.3 s
";
        assert_eq!(format_report(&sample()), expected);
    }

    #[test]
    fn formats_what_went_wrong() {
        let mut report = sample();
        report.by_script = false;
        report
            .notes
            .push("after 30 s the server had 9001 threads, not 10001".into());
        report.released = Some(Released {
            connections: 10_000,
            answered: 9_990,
            threads: 11,
            waited: Duration::from_secs(10),
        });
        let text = format_report(&report);
        assert!(text.contains("by hand (cargo run -p ch08-idle-connections)"));
        assert!(text.contains("\nnote: after 30 s the server had 9001 threads, not 10001\n"));
        assert!(text.ends_with(
            "released: 9990 of 10000 connections answered; \
             server still at 11 threads after 10.0 s (baseline 1)\n"
        ));
    }

    #[test]
    fn rows_line_up_with_the_columns() {
        let text = format_report(&sample());
        for line in text.lines().filter(|line| is_row(line)) {
            assert_eq!(line.len(), COLUMNS.len(), "{line}");
        }
        assert_eq!(RULE.len(), COLUMNS.len());
        // Narrow enough for the book.
        assert!(text.lines().all(|line| line.len() <= 80));
    }

    /// A line of the table: starts with the number of connections.
    fn is_row(line: &str) -> bool {
        line.split_whitespace()
            .next()
            .is_some_and(|first| first.parse::<usize>().is_ok())
    }

    /// The form of a report, without the numbers of one run: the lines
    /// without digits in full, a row as "row", any other line up to its
    /// first colon.
    fn shape(text: &str) -> Vec<String> {
        text.lines()
            .map(|line| {
                if !line.contains(|c: char| c.is_ascii_digit()) {
                    line.to_string()
                } else if is_row(line) {
                    "row".to_string()
                } else {
                    match line.split_once(':') {
                        Some((label, _)) => format!("{label}:"),
                        None => line.to_string(),
                    }
                }
            })
            .collect()
    }

    /// The results the book shows must come from the tool as it is now. If
    /// this fails after a change of the output, run the script again.
    #[test]
    fn saved_results_are_in_the_current_format() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/results.txt");
        let saved = std::fs::read_to_string(path).unwrap_or_else(|error| {
            panic!("cannot read {path} ({error}): run {SCRIPT} to produce it")
        });
        let stale = format!("{path} is not in the current format: run {SCRIPT} again");

        assert_eq!(shape(&saved), shape(&format_report(&sample())), "{stale}");
        assert!(saved.contains(&format!("\n{COLUMNS}\n{RULE}\n")), "{stale}");
        assert!(saved.contains(&format!(", by {SCRIPT}\n")), "{stale}");

        let rows: Vec<Vec<&str>> = saved
            .lines()
            .filter(|line| is_row(line))
            .map(|line| line.split_whitespace().collect())
            .collect();
        let connections: Vec<&str> = rows.iter().map(|row| row[0]).collect();
        assert_eq!(connections, ["0", "100", "1000", "10000"], "{stale}");
        for row in &rows {
            assert_eq!(row.len(), 6, "{stale}: {row:?}");
            let threads: usize = row[1].parse().expect("a number of threads");
            let connections: usize = row[0].parse().unwrap();
            // The server had one thread per connection, as the table claims.
            assert!(threads > connections, "{path}: {row:?}");
        }
    }
}
