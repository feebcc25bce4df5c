//! The matrix: every echo server of the book against every scenario of the
//! seed's benchmark, one run each, and what the book shows of it.
//!
//! `cargo run --release -p loadgen --bin matrix` (through
//! `ci/measure-echo.sh`) writes `results/matrix.tsv`, one row per run,
//! `results/matrix.txt`, the machine, the date and every run's report, and
//! the rows of the book's tables, `results/rows/<scenario>.<set>.md`. The
//! tables' headings are in the chapters, so that they are translated with
//! the rest of the text; the rows hold only numbers and the names of the
//! servers, which read the same in every language.

use crate::{Cause, Report};
use std::fmt::Write as _;
use std::time::Duration;

/// An echo server of the book: its binary, and what it is started with.
#[derive(Debug, Clone, Copy)]
pub struct Model {
    /// The binary's name, in the workspace's target directory.
    pub binary: &'static str,
    /// Arguments after `--addr` and `--work`.
    pub args: &'static [&'static str],
}

/// The servers, in the book's order.
pub const MODELS: &[Model] = &[
    Model {
        binary: "echo-blocking",
        args: &[],
    },
    Model {
        binary: "echo-threads",
        args: &[],
    },
    Model {
        binary: "echo-pool",
        args: &["--threads", "4"],
    },
    Model {
        binary: "echo-select",
        args: &[],
    },
    Model {
        binary: "echo-event-loop",
        args: &[],
    },
    Model {
        binary: "echo-per-core",
        args: &[],
    },
    Model {
        binary: "echo-tokio",
        args: &[],
    },
];

/// A group of servers that one table of the book shows.
pub const SETS: &[(&str, &[&str])] = &[
    ("threads", &["echo-blocking", "echo-threads", "echo-pool"]),
    ("select", &["echo-threads", "echo-pool", "echo-select"]),
    (
        "event-loop",
        &[
            "echo-threads",
            "echo-pool",
            "echo-select",
            "echo-event-loop",
        ],
    ),
    (
        "per-core",
        &[
            "echo-threads",
            "echo-pool",
            "echo-event-loop",
            "echo-per-core",
        ],
    ),
    (
        "tokio",
        &[
            "echo-threads",
            "echo-event-loop",
            "echo-per-core",
            "echo-tokio",
        ],
    ),
    (
        "all",
        &[
            "echo-blocking",
            "echo-threads",
            "echo-pool",
            "echo-select",
            "echo-event-loop",
            "echo-per-core",
            "echo-tokio",
        ],
    ),
];

/// One of the seed's scenarios.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Its name in the files: `1k`, `10k`, `10k-cpu`.
    pub name: &'static str,
    pub clients: usize,
    pub messages: usize,
    /// Rounds of `echo::work` for each line, on the server.
    pub work: u32,
    /// Seconds a connect or a round trip may take.
    pub timeout: u64,
}

/// The rounds of work of the CPU-bound scenario: about a millisecond a
/// line on the machine of the book's figures, as the seed's
/// `sum(range(100000))` is in Python.
pub const CPU_WORK: u32 = 400_000;

/// The seed's three scenarios.
pub const LOADS: &[Load] = &[
    Load {
        name: "1k",
        clients: 1_000,
        messages: 100,
        work: 0,
        timeout: 10,
    },
    Load {
        name: "10k",
        clients: 10_000,
        messages: 100,
        work: 0,
        timeout: 10,
    },
    Load {
        name: "10k-cpu",
        clients: 10_000,
        messages: 1,
        work: CPU_WORK,
        // Ten thousand milliseconds of work take ten seconds on one core:
        // long enough that what the figures show is how long it took, not
        // who gave up first.
        timeout: 60,
    },
];

/// What the matrix keeps of one run: a line of `matrix.tsv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub server: String,
    pub scenario: String,
    pub clients: usize,
    pub messages: usize,
    pub work: u32,
    pub connect_ms: u64,
    pub echo_ms: u64,
    pub connected: usize,
    pub round_trips: u64,
    pub per_second: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub slow_connects: u64,
    /// Clients that did not finish, by cause (`Cause::name`).
    pub failures: Vec<(String, usize)>,
    pub loadgen_cpu_ms: u64,
    pub cpu_bound: bool,
    /// The server's peak resident memory (`VmHWM`), in KiB.
    pub server_peak_kib: u64,
    /// The most threads the server had at once (sampled every 50 ms).
    pub server_threads: u64,
    /// The server's CPU time, user and system, in ms.
    pub server_cpu_ms: u64,
}

/// The columns of `matrix.tsv`, its first line.
pub const HEADER: &str = "server\tscenario\tclients\tmessages\twork\tconnect_ms\techo_ms\tconnected\tround_trips\tper_second\tp50_us\tp99_us\tmax_us\tslow_connects\tfailures\tloadgen_cpu_ms\tcpu_bound\tserver_peak_kib\tserver_threads\tserver_cpu_ms";

impl Row {
    /// The row of a run of `server` in `load`.
    pub fn of(server: &str, load: &Load, report: &Report, usage: &Usage) -> Row {
        let quantile = |q: f64| {
            if report.echo_latency.is_empty() {
                0
            } else {
                report.echo_latency.value_at_quantile(q)
            }
        };
        Row {
            server: server.into(),
            scenario: load.name.into(),
            clients: load.clients,
            messages: load.messages,
            work: load.work,
            connect_ms: millis(report.connect_time),
            echo_ms: millis(report.echo_time),
            connected: report.connected,
            round_trips: report.round_trips,
            per_second: report.per_second().round() as u64,
            p50_us: quantile(0.5),
            p99_us: quantile(0.99),
            max_us: report.echo_latency.max(),
            slow_connects: report.slow_connects,
            failures: report
                .failures
                .iter()
                .map(|(cause, count)| (cause.name().to_string(), *count))
                .collect(),
            loadgen_cpu_ms: millis(report.cpu_time),
            cpu_bound: report.cpu_bound(),
            server_peak_kib: usage.peak_kib,
            server_threads: usage.threads,
            server_cpu_ms: usage.cpu_ms,
        }
    }

    /// Every client connected and every line came back.
    pub fn complete(&self) -> bool {
        self.failures.is_empty() && self.round_trips == (self.clients * self.messages) as u64
    }

    /// Clients that did not finish.
    pub fn failed(&self) -> usize {
        self.failures.iter().map(|(_, count)| count).sum()
    }

    /// The row as a line of `matrix.tsv`.
    pub fn to_tsv(&self) -> String {
        let failures: Vec<String> = self
            .failures
            .iter()
            .map(|(cause, count)| format!("{cause}={count}"))
            .collect();
        let failures = if failures.is_empty() {
            "-".to_string()
        } else {
            failures.join(",")
        };
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.server,
            self.scenario,
            self.clients,
            self.messages,
            self.work,
            self.connect_ms,
            self.echo_ms,
            self.connected,
            self.round_trips,
            self.per_second,
            self.p50_us,
            self.p99_us,
            self.max_us,
            self.slow_connects,
            failures,
            self.loadgen_cpu_ms,
            self.cpu_bound,
            self.server_peak_kib,
            self.server_threads,
            self.server_cpu_ms,
        )
    }

    /// A line of `matrix.tsv`, read back.
    pub fn parse(line: &str) -> Result<Row, String> {
        let fields: Vec<&str> = line.split('\t').collect();
        let [
            server,
            scenario,
            clients,
            messages,
            work,
            connect_ms,
            echo_ms,
            connected,
            round_trips,
            per_second,
            p50_us,
            p99_us,
            max_us,
            slow_connects,
            failures,
            loadgen_cpu_ms,
            cpu_bound,
            server_peak_kib,
            server_threads,
            server_cpu_ms,
        ] = fields[..]
        else {
            return Err(format!("not 20 columns: {line:?}"));
        };
        fn number<T: std::str::FromStr>(field: &str, line: &str) -> Result<T, String> {
            field
                .parse()
                .map_err(|_| format!("{field:?} is not a number, in {line:?}"))
        }
        let failures = if failures == "-" {
            Vec::new()
        } else {
            failures
                .split(',')
                .map(|pair| {
                    let (cause, count) = pair
                        .split_once('=')
                        .ok_or_else(|| format!("{pair:?} is not cause=count, in {line:?}"))?;
                    Ok((cause.to_string(), number(count, line)?))
                })
                .collect::<Result<_, String>>()?
        };
        Ok(Row {
            server: server.into(),
            scenario: scenario.into(),
            clients: number(clients, line)?,
            messages: number(messages, line)?,
            work: number(work, line)?,
            connect_ms: number(connect_ms, line)?,
            echo_ms: number(echo_ms, line)?,
            connected: number(connected, line)?,
            round_trips: number(round_trips, line)?,
            per_second: number(per_second, line)?,
            p50_us: number(p50_us, line)?,
            p99_us: number(p99_us, line)?,
            max_us: number(max_us, line)?,
            slow_connects: number(slow_connects, line)?,
            failures,
            loadgen_cpu_ms: number(loadgen_cpu_ms, line)?,
            cpu_bound: number(cpu_bound, line)?,
            server_peak_kib: number(server_peak_kib, line)?,
            server_threads: number(server_threads, line)?,
            server_cpu_ms: number(server_cpu_ms, line)?,
        })
    }
}

/// The rows of a whole `matrix.tsv`, its header checked.
pub fn parse_tsv(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err("matrix.tsv does not start with the expected header".into());
    }
    lines.map(Row::parse).collect()
}

/// What the server process used during a run, from `/proc`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub peak_kib: u64,
    pub threads: u64,
    pub cpu_ms: u64,
}

fn millis(duration: Duration) -> u64 {
    duration.as_millis() as u64
}

/// `1234567` as `1 234 567`, grouped by a narrow no-break space, which
/// reads the same in English, German and Portuguese (unlike `,` and `.`).
pub fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

/// The body of one of the book's tables: a line per server of `set` that
/// ran `scenario`, in the order of the set. Columns: the server, connect
/// and echo time (ms), round trips a second, round-trip latency p50 and p99
/// (µs) and max (ms), clients that failed. The heading is the chapter's.
pub fn table_rows(rows: &[Row], scenario: &str, set: &[&str]) -> String {
    let mut out = String::new();
    for server in set {
        let Some(row) = rows
            .iter()
            .find(|r| r.server == *server && r.scenario == scenario)
        else {
            continue;
        };
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            row.server,
            grouped(row.connect_ms),
            grouped(row.echo_ms),
            grouped(row.per_second),
            grouped(row.p50_us),
            grouped(row.p99_us),
            grouped(row.max_us.div_ceil(1000)),
            grouped(row.failed() as u64),
        )
        .expect("writing to a String cannot fail");
    }
    out
}

/// The body of a table of what the servers of `set` used in `scenario`:
/// the server, the most threads it had at once, its peak resident memory
/// (MiB, rounded up) and its CPU time (ms).
pub fn usage_rows(rows: &[Row], scenario: &str, set: &[&str]) -> String {
    let mut out = String::new();
    for server in set {
        let Some(row) = rows
            .iter()
            .find(|r| r.server == *server && r.scenario == scenario)
        else {
            continue;
        };
        writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            row.server,
            grouped(row.server_threads),
            grouped(row.server_peak_kib.div_ceil(1024)),
            grouped(row.server_cpu_ms),
        )
        .expect("writing to a String cannot fail");
    }
    out
}

/// Every rows file the book includes: its name under `results/rows/` and
/// its content.
pub fn rows_files(rows: &[Row]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for load in LOADS {
        for (set, servers) in SETS {
            files.push((
                format!("{}.{set}.md", load.name),
                table_rows(rows, load.name, servers),
            ));
            files.push((
                format!("{}.{set}.usage.md", load.name),
                usage_rows(rows, load.name, servers),
            ));
        }
    }
    files
}

impl Cause {
    /// A short name, for `matrix.tsv`.
    pub fn name(self) -> &'static str {
        match self {
            Cause::Refused => "refused",
            Cause::ConnectTimeout => "connect-timeout",
            Cause::ConnectFailed => "connect-failed",
            Cause::Reset => "reset",
            Cause::Closed => "closed",
            Cause::WrongEcho => "wrong-echo",
            Cause::EchoTimeout => "echo-timeout",
            Cause::OtherIo => "other-io",
            Cause::CutOff => "cut-off",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row {
            server: "echo-tokio".into(),
            scenario: "1k".into(),
            clients: 1000,
            messages: 100,
            work: 0,
            connect_ms: 42,
            echo_ms: 812,
            connected: 1000,
            round_trips: 100_000,
            per_second: 123_153,
            p50_us: 310,
            p99_us: 2_400,
            max_us: 18_001,
            slow_connects: 0,
            failures: vec![("echo-timeout".into(), 3), ("reset".into(), 1)],
            loadgen_cpu_ms: 1_500,
            cpu_bound: false,
            server_peak_kib: 5_120,
            server_threads: 3,
            server_cpu_ms: 1_200,
        }
    }

    #[test]
    fn a_row_reads_back_as_it_was_written() {
        let row = row();
        assert_eq!(Row::parse(&row.to_tsv()), Ok(row.clone()));
        let none = Row {
            failures: Vec::new(),
            ..row
        };
        assert_eq!(Row::parse(&none.to_tsv()), Ok(none));
    }

    #[test]
    fn the_header_names_every_column() {
        assert_eq!(
            HEADER.split('\t').count(),
            row().to_tsv().split('\t').count()
        );
    }

    #[test]
    fn groups_digits_by_three() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1\u{202f}000");
        assert_eq!(grouped(1_234_567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn a_table_row_holds_numbers_and_the_name() {
        let rows = table_rows(&[row()], "1k", &["echo-tokio", "echo-missing"]);
        assert_eq!(
            rows,
            "| `echo-tokio` | 42 | 812 | 123\u{202f}153 | 310 | 2\u{202f}400 | 19 | 4 |\n"
        );
    }

    #[test]
    fn a_usage_row_holds_numbers_and_the_name() {
        assert_eq!(
            usage_rows(&[row()], "1k", &["echo-tokio"]),
            "| `echo-tokio` | 3 | 5 | 1\u{202f}200 |\n"
        );
    }

    #[test]
    fn every_set_names_models_only() {
        for (_, servers) in SETS {
            for server in *servers {
                assert!(MODELS.iter().any(|m| m.binary == *server), "{server}");
            }
        }
    }
}
