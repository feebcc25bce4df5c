//! The report: a header that describes the machine, then two tables, the
//! server process and the whole system, as plain text that the book shows
//! as terminal output.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use crate::procfs::{Kernel, Status};

/// The script that produces the results the book shows.
pub const SCRIPT: &str = "ci/measure-idle-connections.sh";

/// The title, column line and rule of the table of the server process.
pub const PROCESS_TITLE: &str = "The server process (/proc/<pid>/status and /proc/<pid>/maps):";
pub const PROCESS_COLUMNS: &str =
    "conns  threads  RSS MiB  RSS/conn KiB  virtual GiB  regions  regions/thread";
pub const PROCESS_RULE: &str =
    "-----  -------  -------  ------------  -----------  -------  --------------";

/// The same for the table of the whole system.
pub const SYSTEM_TITLE: &str = "The whole system (/proc/meminfo and /proc/net/sockstat):";
pub const SYSTEM_COLUMNS: &str =
    "conns  kernel stacks MiB  stack/conn KiB  TCP sockets  socket mem KiB  open ms";
pub const SYSTEM_RULE: &str =
    "-----  -----------------  --------------  -----------  --------------  -------";

/// Explains the columns, under the tables.
pub const LEGEND: &str = "\
conns: idle connections open. RSS: resident memory (VmRSS); RSS/conn: its
growth since 0 connections, per connection; virtual: address space reserved
(VmSize); regions: memory regions (lines of maps); regions/thread: their
growth per thread added. The second table is for the whole machine, all its
processes: kernel stacks: KernelStack; stack/conn: its growth since 0
connections, per connection; TCP sockets: open, counting both ends of each
connection; socket mem: memory in their buffers. open ms: time to connect
the batch.";

/// The machine the run was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_kib: Option<u64>,
    pub kernel: String,
    pub threads_max: Option<u64>,
    pub pid_max: Option<u64>,
    pub max_map_count: Option<u64>,
    /// The size of a memory page, in KiB.
    pub page_kib: Option<u64>,
}

/// What the tool reads about the server and the system at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub status: Status,
    /// The server's memory regions (lines of /proc/<pid>/maps).
    pub maps: Option<usize>,
    pub kernel: Kernel,
}

/// One line of each table: the server with `connections` idle connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub connections: usize,
    pub sample: Sample,
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
    pub baseline: Sample,
    pub rows: Vec<Row>,
    /// Anything that did not go as planned, such as threads that never came.
    pub notes: Vec<String>,
    pub released: Option<Released>,
}

/// A number, or "unknown".
fn known(value: Option<u64>) -> String {
    value.map_or_else(|| "unknown".to_string(), |value| value.to_string())
}

pub fn format_report(report: &Report) -> String {
    let mut out = String::new();
    let machine = &report.machine;
    let memory = match machine.memory_kib {
        Some(kib) => format!("{:.1} GiB", kib as f64 / (1024.0 * 1024.0)),
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
    let _ = writeln!(out, "kernel:  Linux {}", machine.kernel);
    let _ = writeln!(
        out,
        "limits:  threads-max {}, pid_max {}, vm.max_map_count {}",
        known(machine.threads_max),
        known(machine.pid_max),
        known(machine.max_map_count)
    );
    let _ = writeln!(
        out,
        "builds:  server {}, tool {}",
        report.server_build, report.tool_build
    );
    let _ = writeln!(out, "run:     {}, by {by}", report.date);

    let baseline = Row {
        connections: 0,
        sample: report.baseline,
        open: None,
    };
    let rows: Vec<&Row> = std::iter::once(&baseline).chain(&report.rows).collect();
    let tables = [
        (
            PROCESS_TITLE,
            PROCESS_COLUMNS,
            PROCESS_RULE,
            format_process_row as RowFormat,
        ),
        (SYSTEM_TITLE, SYSTEM_COLUMNS, SYSTEM_RULE, format_system_row),
    ];
    for (title, columns, rule, format_row) in tables {
        let _ = write!(out, "\n{title}\n\n{columns}\n{rule}\n");
        for row in &rows {
            out.push_str(&format_row(row, &report.baseline, machine));
            out.push('\n');
        }
    }
    out.push('\n');
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.push_str(LEGEND);
    out.push('\n');
    if let Some(released) = &report.released {
        out.push_str(&format_released(released, report.baseline.status.threads));
        out.push('\n');
    }
    out
}

type RowFormat = fn(&Row, &Sample, &Machine) -> String;

/// `value`, or "-" when it is not known.
fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_string())
}

/// The growth from `from` to `to`, divided by `count`, with one decimal;
/// none for the baseline (a count of 0) or a value that is not known.
fn growth_per(from: Option<f64>, to: Option<f64>, count: usize) -> Option<String> {
    let (from, to) = (from?, to?);
    (count > 0).then(|| format!("{:.1}", (to - from) / count as f64))
}

/// One line of the table of the server process, under [`PROCESS_COLUMNS`].
pub fn format_process_row(row: &Row, baseline: &Sample, _machine: &Machine) -> String {
    let mib = |kib: u64| kib as f64 / 1024.0;
    let gib = |kib: u64| kib as f64 / (1024.0 * 1024.0);
    let status = &row.sample.status;
    let per_connection = growth_per(
        Some(baseline.status.rss_kib as f64),
        Some(status.rss_kib as f64),
        row.connections,
    );
    let threads_added = status.threads.saturating_sub(baseline.status.threads);
    let regions_per_thread = growth_per(
        baseline.maps.map(|maps| maps as f64),
        row.sample.maps.map(|maps| maps as f64),
        threads_added,
    );
    format!(
        "{:>5}  {:>7}  {:>7.1}  {:>12}  {:>11.1}  {:>7}  {:>14}",
        row.connections,
        status.threads,
        mib(status.rss_kib),
        or_dash(per_connection),
        gib(status.vm_kib),
        or_dash(row.sample.maps.map(|maps| maps.to_string())),
        or_dash(regions_per_thread),
    )
}

/// One line of the table of the whole system, under [`SYSTEM_COLUMNS`].
pub fn format_system_row(row: &Row, baseline: &Sample, machine: &Machine) -> String {
    let kernel = &row.sample.kernel;
    let stacks = kernel.stacks_kib.map(|kib| kib as f64 / 1024.0);
    let stack_per_connection = growth_per(
        baseline.kernel.stacks_kib.map(|kib| kib as f64),
        kernel.stacks_kib.map(|kib| kib as f64),
        row.connections,
    );
    let socket_kib = kernel
        .tcp_mem_pages
        .zip(machine.page_kib)
        .map(|(pages, page_kib)| pages * page_kib);
    let open = row.open.map(|took| took.as_millis().to_string());
    format!(
        "{:>5}  {:>17}  {:>14}  {:>11}  {:>14}  {:>7}",
        row.connections,
        or_dash(stacks.map(|mib| format!("{mib:.1}"))),
        or_dash(stack_per_connection),
        or_dash(kernel.tcp_sockets.map(|sockets| sockets.to_string())),
        or_dash(socket_kib.map(|kib| kib.to_string())),
        or_dash(open),
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

    fn sample_at(connections: usize) -> Sample {
        let n = connections as u64;
        Sample {
            status: Status {
                threads: connections + 1,
                rss_kib: 2048 + 10 * n,
                vm_kib: 5 * 1024 + 2056 * n,
            },
            maps: Some(30 + 4 * connections),
            kernel: Kernel {
                stacks_kib: Some(1500 + 16 * n),
                tcp_sockets: Some(3 + 2 * n),
                tcp_mem_pages: Some(2),
            },
        }
    }

    fn sample() -> Report {
        let row = |connections: usize, ms| Row {
            connections,
            sample: sample_at(connections),
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
                pid_max: Some(32_768),
                max_map_count: Some(65_530),
                page_kib: Some(4),
            },
            date: "2026-01-02".to_string(),
            by_script: true,
            server_build: "release".to_string(),
            tool_build: "release".to_string(),
            baseline: sample_at(0),
            rows: vec![row(100, 4), row(1000, 41), row(10_000, 1234)],
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
kernel:  Linux 6.18.44
limits:  threads-max 192729, pid_max 32768, vm.max_map_count 65530
builds:  server release, tool release
run:     2026-01-02, by ci/measure-idle-connections.sh

The server process (/proc/<pid>/status and /proc/<pid>/maps):

conns  threads  RSS MiB  RSS/conn KiB  virtual GiB  regions  regions/thread
-----  -------  -------  ------------  -----------  -------  --------------
    0        1      2.0             -          0.0       30               -
  100      101      3.0          10.0          0.2      430             4.0
 1000     1001     11.8          10.0          2.0     4030             4.0
10000    10001     99.7          10.0         19.6    40030             4.0

The whole system (/proc/meminfo and /proc/net/sockstat):

conns  kernel stacks MiB  stack/conn KiB  TCP sockets  socket mem KiB  open ms
-----  -----------------  --------------  -----------  --------------  -------
    0                1.5               -            3               8        -
  100                3.0            16.0          203               8        4
 1000               17.1            16.0         2003               8       41
10000              157.7            16.0        20003               8     1234

conns: idle connections open. RSS: resident memory (VmRSS); RSS/conn: its
growth since 0 connections, per connection; virtual: address space reserved
(VmSize); regions: memory regions (lines of maps); regions/thread: their
growth per thread added. The second table is for the whole machine, all its
processes: kernel stacks: KernelStack; stack/conn: its growth since 0
connections, per connection; TCP sockets: open, counting both ends of each
connection; socket mem: memory in their buffers. open ms: time to connect
the batch.
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
    fn what_is_not_known_is_a_dash() {
        let mut report = sample();
        report.machine.pid_max = None;
        report.machine.page_kib = None;
        report.baseline.maps = None;
        report.rows[0].sample.kernel = Kernel::default();
        let text = format_report(&report);
        assert!(text.contains("pid_max unknown,"), "{text}");
        assert!(
            text.contains(
                "\n  100      101      3.0          10.0          0.2      430               -\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "\n  100                  -               -            -               -        4\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "\n 1000               17.1            16.0         2003               -       41\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn rows_line_up_with_the_columns() {
        let text = format_report(&sample());
        let tables = tables(&text);
        assert_eq!(tables.len(), 2);
        for (rows, columns) in tables.iter().zip([PROCESS_COLUMNS, SYSTEM_COLUMNS]) {
            for line in rows {
                assert_eq!(line.len(), columns.len(), "{line}");
            }
        }
        assert_eq!(PROCESS_RULE.len(), PROCESS_COLUMNS.len());
        assert_eq!(SYSTEM_RULE.len(), SYSTEM_COLUMNS.len());
        // Narrow enough for the book.
        assert!(text.lines().all(|line| line.len() <= 80));
    }

    /// A line of a table: starts with the number of connections.
    fn is_row(line: &str) -> bool {
        line.split_whitespace()
            .next()
            .is_some_and(|first| first.parse::<usize>().is_ok())
    }

    /// The rows of each table of a report, in order.
    fn tables(text: &str) -> Vec<Vec<&str>> {
        let mut tables: Vec<Vec<&str>> = Vec::new();
        let mut in_table = false;
        for line in text.lines() {
            if is_row(line) {
                if !in_table {
                    tables.push(Vec::new());
                }
                tables.last_mut().unwrap().push(line);
            }
            in_table = is_row(line);
        }
        tables
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

    const RESULTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/results.txt");

    fn saved_results() -> String {
        std::fs::read_to_string(RESULTS).unwrap_or_else(|error| {
            panic!("cannot read {RESULTS} ({error}): run {SCRIPT} to produce it")
        })
    }

    /// The results the book shows must come from the tool as it is now. If
    /// this fails after a change of the output, run the script again.
    #[test]
    fn saved_results_are_in_the_current_format() {
        let saved = saved_results();
        let stale = format!("{RESULTS} is not in the current format: run {SCRIPT} again");

        assert_eq!(shape(&saved), shape(&format_report(&sample())), "{stale}");
        for (columns, rule) in [
            (PROCESS_COLUMNS, PROCESS_RULE),
            (SYSTEM_COLUMNS, SYSTEM_RULE),
        ] {
            assert!(saved.contains(&format!("\n{columns}\n{rule}\n")), "{stale}");
        }
        assert!(saved.contains(&format!(", by {SCRIPT}\n")), "{stale}");

        let tables = tables(&saved);
        assert_eq!(tables.len(), 2, "{stale}");
        for (rows, width) in tables.iter().zip([7, 6]) {
            let connections: Vec<&str> = rows
                .iter()
                .map(|row| row.split_whitespace().next().unwrap())
                .collect();
            assert_eq!(connections, ["0", "100", "1000", "10000"], "{stale}");
            for row in rows {
                assert_eq!(row.split_whitespace().count(), width, "{stale}: {row}");
            }
        }
        for row in &tables[0] {
            let words: Vec<&str> = row.split_whitespace().collect();
            let connections: usize = words[0].parse().unwrap();
            let threads: usize = words[1].parse().expect("a number of threads");
            // The server had one thread per connection, as the table claims.
            assert!(threads > connections, "{RESULTS}: {row}");
        }
    }

    const CHAPTER: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../src/ch08-thread-per-connection.md"
    );

    /// The figures that the chapter's prose quotes are those of results.txt,
    /// rounded as the prose rounds them. If this fails after the script ran
    /// again, say the new figures in the chapter (its section "Measuring it").
    #[test]
    fn the_chapter_quotes_the_saved_results() {
        let saved = saved_results();
        let chapter = std::fs::read_to_string(CHAPTER)
            .unwrap_or_else(|error| panic!("cannot read {CHAPTER}: {error}"));
        let tables = tables(&saved);
        // The figure in `column` of the row for `connections`.
        let figure = |table: usize, connections: &str, column: usize| -> f64 {
            let row = tables[table]
                .iter()
                .map(|row| row.split_whitespace().collect::<Vec<_>>())
                .find(|words| words[0] == connections)
                .unwrap_or_else(|| panic!("{RESULTS} has no row for {connections}"));
            row[column]
                .parse()
                .unwrap_or_else(|_| panic!("{RESULTS}: no figure in {row:?}"))
        };
        let (process, system) = (0, 1);
        let resident = figure(process, "10000", 3);
        let kernel_stack = figure(system, "10000", 2);
        let virtual_per_thread =
            (figure(process, "10000", 4) - figure(process, "1000", 4)) * 1024.0 / 9000.0;
        let regions = figure(process, "10000", 6).round() as usize;
        let words = ["no", "one", "two", "three", "four", "five", "six", "seven"];

        let quoted = [
            format!("about {:.0} KiB of resident memory", resident),
            format!(
                "The kernel keeps {:.0} KiB more for every thread",
                kernel_stack
            ),
            format!("about {:.0} KiB of memory", resident + kernel_stack),
            format!("about {:.0} MiB per thread", virtual_per_thread),
            format!("{:.1} GiB at 100 connections", figure(process, "100", 4)),
            format!("Each thread takes {} memory regions", words[regions.min(7)]),
        ];
        // The prose wraps lines: compare with every run of spaces as one.
        let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let chapter = flat(&chapter);
        for phrase in quoted {
            assert!(
                chapter.contains(&phrase),
                "{CHAPTER} should say \"{phrase}\", as {RESULTS} measured"
            );
        }

        // "the socket memory does not grow with the connections"
        let socket_growth = figure(system, "10000", 4) - figure(system, "0", 4);
        assert!(
            socket_growth / 10_000.0 < 0.5,
            "{RESULTS}: socket memory grew"
        );
        // "the first batch shows a little more" regions per thread
        assert!(figure(process, "100", 6) > figure(process, "10000", 6));
        // Most of the address space at 100 connections is not stacks, and no
        // more than glibc's arenas: 8 per core, 64 MiB each.
        let cores: f64 = saved
            .lines()
            .find_map(|line| line.strip_prefix("machine: "))
            .and_then(|machine| machine.split(", ").nth(1))
            .and_then(|cores| cores.split_whitespace().next())
            .and_then(|cores| cores.parse().ok())
            .expect("the number of cores on the machine line");
        let at_100 = figure(process, "100", 4);
        let arenas = at_100 - 100.0 * virtual_per_thread / 1024.0;
        assert!(arenas > at_100 / 2.0, "{RESULTS}: {arenas} GiB of arenas");
        assert!(
            arenas <= 8.0 * cores * 64.0 / 1024.0 + 0.05,
            "{RESULTS}: {arenas} GiB"
        );
    }
}
