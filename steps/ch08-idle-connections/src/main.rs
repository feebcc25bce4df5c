//! Chapter 8's experiment: how many threads and how much memory does the
//! thread-per-connection server need for connections that send nothing?
//!
//! Opens idle connections to the server on loopback in cumulative batches
//! (100, then 900 more, then 9,000 more). After each batch it reads the
//! server's threads and memory from /proc/<pid>/status, its memory regions
//! from /proc/<pid>/maps, and the kernel's own memory for thread stacks and
//! sockets from /proc/meminfo and /proc/net/sockstat (those two for the
//! whole machine), and it prints two tables. At the end every connection
//! sends a request and reads the answer, so that no server thread sees a
//! connection close without a request (it would panic).
//!
//! `ci/measure-idle-connections.sh` starts the server and runs this tool; by
//! hand, start the server from `steps/` and pass its pid:
//!
//! ```text
//! cargo run --release -p ch08-idle-connections -- --pid <server pid>
//! ```

mod args;
mod procfs;
mod report;

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use args::Args;
use clap::Parser as _;
use procfs::{Limit, Status};
use report::{Machine, Released, Report, Row, SCRIPT, Sample, format_report};

/// Opening the connections and measuring ends within this time…
const MEASURE_LIMIT: Duration = Duration::from_secs(90);
/// …and releasing them within this one: two minutes at most in all.
const RELEASE_LIMIT: Duration = Duration::from_secs(30);
/// How long to wait for the server to start a thread for every connection.
const THREADS_LIMIT: Duration = Duration::from_secs(30);
/// How long to wait for the server's threads to end after the release.
const BACK_LIMIT: Duration = Duration::from_secs(10);
/// How long to wait for the server's memory to stop changing.
const SETTLE_LIMIT: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(50);
/// For connecting, reading and writing.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(5);
/// The most connections that wait for the server to accept them.
const WINDOW: usize = 64;
/// Open files and threads each process needs besides the connections.
const SPARE: usize = 100;

/// The request that releases a connection: the server answers with
/// hello.html and closes it.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

const ULIMIT_HINT: &str = "run `ulimit -n 30000` (at most `ulimit -Hn`) in both terminals, the server's before \
starting it (ci/measure-idle-connections.sh does all of that)";
const PID_HINT: &str = "start the server from steps/ with \
`cargo run --release -p ch08-thread-per-connection`, then pass its pid \
(`pgrep -n ch08-thread-per`)";

// Linux's error numbers for "too many open files" (in the process, in the
// system) and "no free local port".
const EMFILE: i32 = 24;
const ENFILE: i32 = 23;
const EADDRNOTAVAIL: i32 = 99;

/// What went wrong, for the reader: one sentence, and what to do about it.
#[derive(Debug)]
struct Error {
    message: String,
    hint: Option<String>,
}

impl Error {
    fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

fn main() -> ExitCode {
    // On a usage error, or for --help, clap prints and exits (2, or 0).
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error),
    }
}

fn fail(error: Error) -> ExitCode {
    eprintln!("error: {}", error.message);
    if let Some(hint) = &error.hint {
        eprintln!("hint: {hint}");
    }
    ExitCode::FAILURE
}

fn run(args: &Args) -> Result<(), Error> {
    if !cfg!(target_os = "linux") {
        return Err(Error::new(
            "this tool reads the server's threads and memory from /proc, which only Linux has",
        )
        .hint("run the experiment on Linux (a virtual machine will do)"));
    }
    let pid = args.pid;
    let largest = args.counts.iter().copied().max().unwrap_or(0);
    let status = server_status(pid)?;
    check_limits(pid, largest, status.threads)?;
    let baseline = sample(pid, status);

    let server = server_name(pid);
    eprintln!(
        "server: {server} (pid {pid}), threads: {}, resident: {:.1} MiB",
        status.threads,
        status.rss_kib as f64 / 1024.0
    );
    let mut connections = Vec::with_capacity(largest);
    let measured = measure(args, baseline, &mut connections);
    if measured.is_err() {
        eprintln!(); // ends the progress line
    }
    // Release them even after an error: a connection that closes without a
    // request makes its server thread panic.
    let released = if connections.is_empty() {
        None
    } else {
        Some(release(pid, connections, status.threads))
    };
    let (rows, notes) = measured?;

    let report = Report {
        server,
        addr: args.addr,
        pid,
        machine: machine(),
        date: utc_date(SystemTime::now()),
        by_script: run_by_script(),
        server_build: server_build(pid),
        tool_build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .to_string(),
        baseline,
        rows,
        notes,
        released,
    };
    let text = format_report(&report);
    print!("{text}");
    if let Some(path) = &args.save {
        fs::write(path, &text)
            .map_err(|error| Error::new(format!("could not write {}: {error}", path.display())))?;
        eprintln!("saved to {}", path.display());
    }
    Ok(())
}

/// Opens the batches of connections and measures the server after each.
fn measure(
    args: &Args,
    baseline: Sample,
    connections: &mut Vec<TcpStream>,
) -> Result<(Vec<Row>, Vec<String>), Error> {
    let deadline = Deadline::after(MEASURE_LIMIT);
    let pid = args.pid;
    let largest = args.counts.iter().copied().max().unwrap_or(0);
    let baseline_threads = baseline.status.threads;
    let mut rows = Vec::new();
    let mut notes = Vec::new();

    for &count in &args.counts {
        let batch = count - connections.len();
        eprint!("opening {batch} connections ({count} in all)... ");
        let took = open_batch(
            args.addr,
            pid,
            baseline_threads,
            batch,
            connections,
            &deadline,
        )?;
        eprint!("{} ms; ", took.as_millis());

        let expected = baseline_threads + count;
        let (status, waited, reached) = wait_for_threads(
            pid,
            count,
            |threads| threads >= expected,
            THREADS_LIMIT,
            Some(&deadline),
        )?;
        let status = if reached {
            eprintln!("{} server threads", status.threads);
            settle(pid, count, status)?
        } else {
            let note = format!(
                "after {} s the server had {} threads, not {expected}",
                waited.as_secs(),
                status.threads
            );
            eprintln!("{note}");
            notes.push(note);
            status
        };
        rows.push(Row {
            connections: count,
            sample: sample(pid, status),
            open: Some(took),
        });
        if count == args.counts[0] && largest > count {
            check_maps(pid, baseline.maps, count, largest)?;
        }
    }
    Ok((rows, notes))
}

/// Opens `batch` more connections; returns how long that took.
///
/// Connections the server has not accepted yet wait in a short queue (the
/// listen backlog); when it is full, the kernel drops new attempts and the
/// client tries again a second later. So that the time measures the server
/// and not those pauses, at most [`WINDOW`] connections wait at any time:
/// each accepted connection has a thread, so the server's threads tell how
/// many it accepted.
fn open_batch(
    addr: SocketAddr,
    pid: u32,
    baseline_threads: usize,
    batch: usize,
    connections: &mut Vec<TcpStream>,
    deadline: &Deadline,
) -> Result<Duration, Error> {
    let start = Instant::now();
    let mut accepted = 0;
    for _ in 0..batch {
        deadline.check()?;
        if connections.len() - accepted >= WINDOW {
            accepted = wait_for_accept(pid, baseline_threads, connections.len(), deadline)?;
        }
        let stream = TcpStream::connect_timeout(&addr, SOCKET_TIMEOUT)
            .map_err(|error| connect_error(&error, addr, pid, connections.len()))?;
        stream
            .set_read_timeout(Some(SOCKET_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(SOCKET_TIMEOUT)))
            .map_err(|error| Error::new(format!("could not set socket timeouts: {error}")))?;
        connections.push(stream);
    }
    Ok(start.elapsed())
}

/// Waits until fewer than [`WINDOW`] of the `open` connections wait to be
/// accepted; returns how many the server accepted.
fn wait_for_accept(
    pid: u32,
    baseline_threads: usize,
    open: usize,
    deadline: &Deadline,
) -> Result<usize, Error> {
    let mut accepted = 0;
    let mut progress = Instant::now();
    loop {
        let now = running_status(pid, open)?
            .threads
            .saturating_sub(baseline_threads);
        if open - now.min(open) < WINDOW {
            return Ok(now);
        }
        if now > accepted {
            accepted = now;
            progress = Instant::now();
        } else if progress.elapsed() >= SOCKET_TIMEOUT {
            return Err(Error::new(format!(
                "the server stopped accepting connections: {accepted} of {open} accepted, \
                 none in the last {} s",
                SOCKET_TIMEOUT.as_secs()
            ))
            .hint(ULIMIT_HINT));
        }
        deadline.check()?;
        thread::sleep(Duration::from_millis(1));
    }
}

fn connect_error(error: &io::Error, addr: SocketAddr, pid: u32, open: usize) -> Error {
    if !server_alive(pid) {
        return exited(pid, open);
    }
    let number = open + 1;
    match error.raw_os_error() {
        Some(EMFILE | ENFILE) => {
            return Error::new(format!(
                "could not open connection {number}: too many open files in this tool ({error})"
            ))
            .hint(ULIMIT_HINT);
        }
        Some(EADDRNOTAVAIL) => {
            return Error::new(format!(
                "could not open connection {number}: no free local port ({error})"
            ))
            .hint(
                "see /proc/sys/net/ipv4/ip_local_port_range, or use fewer connections (--counts)",
            );
        }
        _ => {}
    }
    match error.kind() {
        io::ErrorKind::ConnectionRefused if open == 0 => {
            Error::new(format!("nothing listens on {addr} (connection refused)")).hint(PID_HINT)
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::new(format!(
            "the server stopped accepting connections after {open}: connecting took over {} s",
            SOCKET_TIMEOUT.as_secs()
        ))
        .hint(ULIMIT_HINT),
        _ => Error::new(format!(
            "could not open connection {number} to {addr}: {error}"
        ))
        .hint(ULIMIT_HINT),
    }
}

/// Polls the server's status until `done(threads)` or `limit` passed;
/// returns the last status, how long it waited, and whether it was done.
fn wait_for_threads(
    pid: u32,
    open: usize,
    done: impl Fn(usize) -> bool,
    limit: Duration,
    deadline: Option<&Deadline>,
) -> Result<(Status, Duration, bool), Error> {
    let start = Instant::now();
    loop {
        let status = running_status(pid, open)?;
        if done(status.threads) {
            return Ok((status, start.elapsed(), true));
        }
        if start.elapsed() >= limit {
            return Ok((status, start.elapsed(), false));
        }
        if let Some(deadline) = deadline {
            deadline.check()?;
        }
        thread::sleep(POLL);
    }
}

/// New threads still touch their first pages for a moment: waits until the
/// server's memory stays the same between two polls.
fn settle(pid: u32, open: usize, mut status: Status) -> Result<Status, Error> {
    let start = Instant::now();
    loop {
        thread::sleep(POLL);
        let next = running_status(pid, open)?;
        if next == status || start.elapsed() >= SETTLE_LIMIT {
            return Ok(next);
        }
        status = next;
    }
}

/// The server's memory regions and the kernel's memory, read right after
/// the server's `status`.
fn sample(pid: u32, status: Status) -> Sample {
    Sample {
        status,
        maps: procfs::count_maps(pid).ok(),
        kernel: procfs::read_kernel(),
    }
}

/// Sends every connection the request, reads every answer, then waits for
/// the server's threads to end.
fn release(pid: u32, connections: Vec<TcpStream>, baseline_threads: usize) -> Released {
    let total = connections.len();
    eprint!("releasing {total} connections... ");
    let start = Instant::now();
    let deadline = start + RELEASE_LIMIT;

    // All requests first: the server's threads answer at the same time.
    let mut sent = Vec::with_capacity(total);
    for mut stream in connections {
        if Instant::now() >= deadline {
            break;
        }
        if stream.write_all(REQUEST).is_ok() {
            sent.push(stream);
        }
    }
    let mut answered = 0;
    let mut response = Vec::new();
    for mut stream in sent {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero()
            || stream
                .set_read_timeout(Some(left.min(SOCKET_TIMEOUT)))
                .is_err()
        {
            break;
        }
        response.clear();
        if stream.read_to_end(&mut response).is_ok() && response.starts_with(b"HTTP/1.1 200 OK") {
            answered += 1;
        }
    }

    let mut threads = 0;
    let back_by = Instant::now() + BACK_LIMIT;
    while let Ok(status) = running_status(pid, 0) {
        threads = status.threads;
        if threads <= baseline_threads || Instant::now() >= back_by {
            break;
        }
        thread::sleep(POLL);
    }
    let released = Released {
        connections: total,
        answered,
        threads,
        waited: start.elapsed(),
    };
    eprintln!("{answered} answered, {threads} server threads left");
    released
}

/// Fails if the open-file or thread limits cannot hold `largest` connections.
fn check_limits(pid: u32, largest: usize, baseline_threads: usize) -> Result<(), Error> {
    let needed = (largest + SPARE) as u64;
    let read_limit = |path: &str, name: &str| -> Option<Limit> {
        procfs::parse_soft_limit(&fs::read_to_string(path).ok()?, name)
    };
    let server_limits = format!("/proc/{pid}/limits");

    let mut low = Vec::new();
    match read_limit("/proc/self/limits", "Max open files") {
        Some(limit) if !limit.allows(needed) => low.push(format!("this tool's is {limit}")),
        _ => {}
    }
    match read_limit(&server_limits, "Max open files") {
        Some(limit) if !limit.allows(needed) => low.push(format!("the server's is {limit}")),
        Some(_) => {}
        None => {
            eprintln!("warning: could not read the server's open-file limit in {server_limits}")
        }
    }
    if !low.is_empty() {
        return Err(Error::new(format!(
            "{largest} connections need an open-file limit (ulimit -n) of at least {needed} \
             in both processes: {}",
            low.join(", ")
        ))
        .hint(ULIMIT_HINT));
    }

    let threads = (largest + baseline_threads + SPARE) as u64;
    if let Some(max) = procfs::read_number("/proc/sys/kernel/threads-max")
        && max < threads
    {
        return Err(Error::new(format!(
            "{largest} connections need {threads} threads, more than the kernel allows \
             (/proc/sys/kernel/threads-max is {max})"
        ))
        .hint("use fewer connections (--counts)"));
    }
    if let Some(limit) = read_limit(&server_limits, "Max processes")
        && !limit.allows(threads)
    {
        return Err(Error::new(format!(
            "{largest} connections need {threads} threads, more than the server may start \
             (its `ulimit -u` is {limit})"
        ))
        .hint(format!(
            "run `ulimit -u {}` before starting the server, or use fewer connections (--counts)",
            threads + 1000
        )));
    }
    Ok(())
}

/// Each thread costs the server a few memory mappings (its stack and the
/// small stack for reporting a stack overflow, each with a guard page), and
/// the kernel limits them: after the first batch, fails if the largest
/// count would need more than vm.max_map_count.
fn check_maps(pid: u32, baseline: Option<usize>, open: usize, largest: usize) -> Result<(), Error> {
    let (Some(baseline), Ok(now), Some(max)) = (
        baseline,
        procfs::count_maps(pid),
        procfs::read_number("/proc/sys/vm/max_map_count"),
    ) else {
        return Ok(());
    };
    let per_thread = now.saturating_sub(baseline) as f64 / open as f64;
    let needed = (baseline as f64 + per_thread * largest as f64 * 1.05) as u64 + 100;
    if needed <= max {
        return Ok(());
    }
    Err(Error::new(format!(
        "{largest} connections would need about {needed} memory mappings in the server \
         ({per_thread:.1} per thread), more than vm.max_map_count ({max}): its threads would \
         fail to start"
    ))
    .hint(format!(
        "use fewer connections (--counts), or raise the limit: sudo sysctl vm.max_map_count={}",
        needed * 2
    )))
}

/// The server's status before the run: fails for a pid that is not there.
fn server_status(pid: u32) -> Result<Status, Error> {
    match procfs::read_status(pid) {
        Ok(Ok(status)) => Ok(status),
        Ok(Err(why)) => Err(Error::new(format!(
            "/proc/{pid}/status has {why}: is {pid} the server's pid?"
        ))
        .hint(PID_HINT)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(Error::new(format!(
            "no process with pid {pid} (there is no /proc/{pid}/status)"
        ))
        .hint(PID_HINT)),
        Err(error) => {
            Err(Error::new(format!("could not read /proc/{pid}/status: {error}")).hint(PID_HINT))
        }
    }
}

/// The server's status during the run, with `open` connections.
fn running_status(pid: u32, open: usize) -> Result<Status, Error> {
    match procfs::read_status(pid) {
        Ok(Ok(status)) => Ok(status),
        _ if !server_alive(pid) => Err(exited(pid, open)),
        Ok(Err(why)) => Err(Error::new(format!("/proc/{pid}/status has {why}"))),
        Err(error) => Err(Error::new(format!(
            "could not read /proc/{pid}/status: {error}"
        ))),
    }
}

fn server_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

fn exited(pid: u32, open: usize) -> Error {
    Error::new(format!(
        "the server (pid {pid}) exited with {open} connections open"
    ))
    .hint(format!(
        "look at its output: `Too many open files` means its open-file limit was too low \
         ({ULIMIT_HINT}); `failed to spawn thread` means the system ran out of threads, \
         memory or memory mappings (use fewer connections)"
    ))
}

/// A point in time that the run must not pass.
struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    fn after(limit: Duration) -> Self {
        Deadline {
            at: Instant::now() + limit,
            limit,
        }
    }

    fn check(&self) -> Result<(), Error> {
        if Instant::now() < self.at {
            return Ok(());
        }
        Err(Error::new(format!(
            "stopped: opening and measuring took longer than {} s",
            self.limit.as_secs()
        ))
        .hint("is the machine busy? try fewer connections, such as --counts 100,1000"))
    }
}

/// The server's program name, from its command line.
fn server_name(pid: u32) -> String {
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let program = cmdline.split(|&byte| byte == 0).next().unwrap_or_default();
    let program = String::from_utf8_lossy(program);
    match program.rsplit('/').next() {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => format!("pid {pid}"),
    }
}

/// "release" or "debug", from the path of the server's executable.
fn server_build(pid: u32) -> String {
    let exe = fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
    let exe = exe.to_string_lossy();
    if exe.contains("/release/") {
        "release"
    } else if exe.contains("/debug/") {
        "debug"
    } else {
        "unknown"
    }
    .to_string()
}

/// Whether ci/measure-idle-connections.sh started this tool (it may run it
/// through `timeout`): looks at the command lines of the parent processes.
fn run_by_script() -> bool {
    let script = SCRIPT.rsplit('/').next().unwrap_or(SCRIPT);
    let mut pid = "self".to_string();
    for _ in 0..4 {
        let Some(parent) = fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| parent_pid(&stat))
        else {
            return false;
        };
        let cmdline = fs::read(format!("/proc/{parent}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(script) {
            return true;
        }
        pid = parent.to_string();
    }
    false
}

/// The parent's pid from the text of /proc/<pid>/stat: `pid (name) state ppid …`.
fn parent_pid(stat: &str) -> Option<u32> {
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

fn machine() -> Machine {
    let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
    Machine {
        cpu: procfs::parse_cpu_model(&read("/proc/cpuinfo"))
            .unwrap_or_else(|| "unknown CPU".to_string()),
        cores: thread::available_parallelism().map_or(1, |cores| cores.get()),
        memory_kib: procfs::parse_kib(&read("/proc/meminfo"), "MemTotal"),
        kernel: match read("/proc/sys/kernel/osrelease").trim() {
            "" => "unknown".to_string(),
            release => release.to_string(),
        },
        threads_max: procfs::read_number("/proc/sys/kernel/threads-max"),
        pid_max: procfs::read_number("/proc/sys/kernel/pid_max"),
        max_map_count: procfs::read_number("/proc/sys/vm/max_map_count"),
        page_kib: procfs::read_page_kib(),
    }
}

/// The date of `time` in UTC, as YYYY-MM-DD.
fn utc_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The calendar date `days` days after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_date(UNIX_EPOCH), "1970-01-01");
        let at = |secs: u64| utc_date(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(1_709_251_199), "2024-02-29");
        assert_eq!(at(1_767_225_600), "2026-01-01");
        assert_eq!(at(4_107_542_399), "2100-02-28");
    }

    #[test]
    fn parent_pids() {
        assert_eq!(parent_pid("4242 (bash) S 17 4242 4242 0"), Some(17));
        assert_eq!(parent_pid("9 (a (b) c) R 1 9 9"), Some(1));
        assert_eq!(parent_pid("garbage"), None);
    }
}
