//! The seed's experiment, against any echo server on loopback (see the
//! `echo` crate for the protocol): `clients` clients connect, all at once;
//! once every one has connected or failed, each connected client sends
//! `messages` lines, one after another, and waits for each to come back
//! before it sends the next. The report says how long the connecting and
//! the echoing took, how many round trips a second that made, the latency
//! of a connect and of a round trip (p50, p99, max), what went wrong and
//! why, and how much CPU time the load generator used itself, so that a
//! run whose figures it limited says so.

pub mod matrix;

use hdrhistogram::Histogram;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Barrier;

/// What to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub addr: SocketAddr,
    pub clients: usize,
    pub messages: usize,
    /// Bytes in each line, its `\n` included (at least 2).
    pub size: usize,
    /// How long a connect, or a round trip, may take before it counts as a
    /// timeout.
    pub timeout: Duration,
    /// How long the whole run may take: what is not done by then counts as
    /// cut off.
    pub limit: Duration,
    /// Threads of the load generator's own runtime.
    pub threads: usize,
}

/// Why a client did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// The connect was refused (nothing listening, or the queue full).
    Refused,
    /// The connect took longer than the timeout.
    ConnectTimeout,
    /// The connect failed otherwise (for instance, too many open files).
    ConnectFailed,
    /// The server reset the connection.
    Reset,
    /// The server closed the connection before the line came back.
    Closed,
    /// What came back was not the line sent.
    WrongEcho,
    /// A round trip took longer than the timeout.
    EchoTimeout,
    /// Reading or writing failed otherwise.
    OtherIo,
    /// The run's time limit came first.
    CutOff,
}

impl Cause {
    pub fn describe(self) -> &'static str {
        match self {
            Cause::Refused => "connect refused",
            Cause::ConnectTimeout => "connect timed out",
            Cause::ConnectFailed => "connect failed otherwise",
            Cause::Reset => "reset by the server",
            Cause::Closed => "closed by the server before the echo",
            Cause::WrongEcho => "echo not the line sent",
            Cause::EchoTimeout => "echo timed out",
            Cause::OtherIo => "other read or write error",
            Cause::CutOff => "cut off by the time limit",
        }
    }
}

/// How a run went.
#[derive(Debug)]
pub struct Report {
    pub scenario: Scenario,
    /// From the start until every client had connected or failed.
    pub connect_time: Duration,
    /// From then until every client had finished or failed.
    pub echo_time: Duration,
    pub connected: usize,
    pub round_trips: u64,
    /// In microseconds.
    pub connect_latency: Histogram<u64>,
    /// In microseconds.
    pub echo_latency: Histogram<u64>,
    /// Connects that took a second or more: the kernel dropped the first
    /// handshake (a full listen queue) and the client tried again.
    pub slow_connects: u64,
    /// Clients that did not finish, by why.
    pub failures: BTreeMap<Cause, usize>,
    /// The load generator's own CPU time (user and system) during the run.
    pub cpu_time: Duration,
    /// What the open-file limit was raised to, or why it could not be.
    pub open_files: String,
}

impl Report {
    /// Every client connected and sent all its lines, and each came back.
    pub fn complete(&self) -> bool {
        self.failures.is_empty()
            && self.round_trips == (self.scenario.clients * self.scenario.messages) as u64
    }

    /// Round trips per second, in the echo phase.
    pub fn per_second(&self) -> f64 {
        self.round_trips as f64 / self.echo_time.as_secs_f64().max(1e-9)
    }

    /// Whether the load generator's own CPU may have limited the run: it
    /// used nine tenths or more of all its threads' time.
    pub fn cpu_bound(&self) -> bool {
        let wall = (self.connect_time + self.echo_time).as_secs_f64();
        self.cpu_time.as_secs_f64() >= 0.9 * wall * self.scenario.threads as f64
    }
}

/// A histogram of latencies from a microsecond to ten minutes, to three
/// significant figures.
fn latencies() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("the bounds are valid")
}

fn micros(histogram: &Histogram<u64>, quantile: f64) -> String {
    if histogram.is_empty() {
        return "-".into();
    }
    let value = if quantile >= 1.0 {
        histogram.max()
    } else {
        histogram.value_at_quantile(quantile)
    };
    show_micros(value)
}

/// `850µs`, `12.3ms`, `1.20s`.
pub fn show_micros(value: u64) -> String {
    if value < 1_000 {
        format!("{value}µs")
    } else if value < 1_000_000 {
        format!("{:.1}ms", value as f64 / 1e3)
    } else {
        format!("{:.2}s", value as f64 / 1e6)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let s = &self.scenario;
        writeln!(
            f,
            "{} clients × {} lines of {} bytes, to {}",
            s.clients, s.messages, s.size, s.addr
        )?;
        writeln!(
            f,
            "connect: {:.3} s for {} of {} clients; latency p50 {}, p99 {}, max {}; {} took a second or more",
            self.connect_time.as_secs_f64(),
            self.connected,
            s.clients,
            micros(&self.connect_latency, 0.5),
            micros(&self.connect_latency, 0.99),
            micros(&self.connect_latency, 1.0),
            self.slow_connects
        )?;
        writeln!(
            f,
            "echo:    {:.3} s for {} round trips, {:.0} per second; latency p50 {}, p99 {}, max {}",
            self.echo_time.as_secs_f64(),
            self.round_trips,
            self.per_second(),
            micros(&self.echo_latency, 0.5),
            micros(&self.echo_latency, 0.99),
            micros(&self.echo_latency, 1.0)
        )?;
        if self.failures.is_empty() {
            writeln!(f, "errors:  none")?;
        } else {
            let all: Vec<String> = self
                .failures
                .iter()
                .map(|(cause, count)| format!("{count} {}", cause.describe()))
                .collect();
            writeln!(f, "errors:  {}", all.join(", "))?;
        }
        write!(
            f,
            "loadgen: {:.2} s of CPU time on {} threads; {}",
            self.cpu_time.as_secs_f64(),
            s.threads,
            self.open_files
        )?;
        if self.cpu_bound() {
            write!(
                f,
                "\nloadgen: its own CPU limited this run: the figures are the load generator's, not the server's"
            )?;
        }
        Ok(())
    }
}

/// Raises the soft limit of open files to what `clients` connections need,
/// as far as the hard limit allows; says what it did.
pub fn raise_open_files(clients: usize) -> String {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let wanted = clients as u64 + 64;
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, _)) if soft >= wanted => format!("open files: {soft} allowed, enough"),
        Ok((soft, hard)) => {
            let new = wanted.min(hard);
            match setrlimit(Resource::RLIMIT_NOFILE, new, hard) {
                Ok(()) if new >= wanted => format!("open files: raised from {soft} to {new}"),
                Ok(()) => format!(
                    "open files: raised from {soft} to {new}, the hard limit: too few for {clients} clients (raise it with ulimit -Hn)"
                ),
                Err(e) => format!("open files: {soft}, and raising it failed: {e}"),
            }
        }
        Err(e) => format!("open files: unknown ({e})"),
    }
}

fn cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(usage) => {
            let time = |t: nix::sys::time::TimeVal| {
                Duration::from_secs(t.tv_sec() as u64) + Duration::from_micros(t.tv_usec() as u64)
            };
            time(usage.user_time()) + time(usage.system_time())
        }
        Err(_) => Duration::ZERO,
    }
}

fn cause_of(e: &io::Error) -> Cause {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => Cause::Reset,
        io::ErrorKind::UnexpectedEof => Cause::Closed,
        _ => Cause::OtherIo,
    }
}

/// What one client did.
struct Client {
    /// When it had connected or failed to: the echo phase begins when the
    /// last client has.
    ready_at: Option<Instant>,
    connect: Option<Duration>,
    failure: Option<Cause>,
    latencies: Vec<u64>,
}

/// Runs `scenario`; `progress` is told of every round trip done so far,
/// now and then. Refuses addresses that are not loopback.
pub fn run(
    scenario: &Scenario,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> io::Result<Report> {
    if !scenario.addr.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a loopback address: loadgen measures on this machine only",
                scenario.addr
            ),
        ));
    }
    if scenario.size < 2 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a line needs at least 2 bytes",
        ));
    }
    let open_files = raise_open_files(scenario.clients);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(scenario.threads.max(1))
        .enable_all()
        .build()?;
    let cpu_before = cpu_time();
    let done = Arc::new(AtomicU64::new(0));
    let (connect_time, echo_time, clients) =
        runtime.block_on(drive(scenario, Arc::clone(&done), progress));
    let cpu = cpu_time().saturating_sub(cpu_before);
    let mut report = Report {
        scenario: scenario.clone(),
        connect_time,
        echo_time,
        connected: 0,
        round_trips: 0,
        connect_latency: latencies(),
        echo_latency: latencies(),
        slow_connects: 0,
        failures: BTreeMap::new(),
        cpu_time: cpu,
        open_files,
    };
    for client in clients {
        if let Some(took) = client.connect {
            report.connected += 1;
            report
                .connect_latency
                .saturating_record(took.as_micros() as u64);
            if took >= Duration::from_secs(1) {
                report.slow_connects += 1;
            }
        }
        for latency in client.latencies {
            report.round_trips += 1;
            report.echo_latency.saturating_record(latency);
        }
        if let Some(cause) = client.failure {
            *report.failures.entry(cause).or_default() += 1;
        }
    }
    Ok(report)
}

async fn drive(
    scenario: &Scenario,
    done: Arc<AtomicU64>,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> (Duration, Duration, Vec<Client>) {
    let start = Instant::now();
    let deadline = tokio::time::Instant::from_std(start + scenario.limit);
    // Everyone connects first; the echoing starts when the last has
    // connected or failed, and that moment ends the connect phase.
    let connected = Arc::new(Barrier::new(scenario.clients));
    let line: Arc<[u8]> = {
        let mut line = vec![b'x'; scenario.size];
        line[scenario.size - 1] = b'\n';
        line.into()
    };
    let tasks: Vec<_> = (0..scenario.clients)
        .map(|_| {
            let (scenario, connected, line, done) = (
                scenario.clone(),
                Arc::clone(&connected),
                Arc::clone(&line),
                Arc::clone(&done),
            );
            tokio::spawn(async move {
                let mut result = Client {
                    ready_at: None,
                    connect: None,
                    failure: None,
                    latencies: Vec::with_capacity(scenario.messages),
                };
                // Cut off, a client keeps what it did so far.
                let run = client(&scenario, &connected, &line, &done, &mut result);
                if tokio::time::timeout_at(deadline, run).await.is_err() {
                    result.failure = Some(Cause::CutOff);
                }
                result
            })
        })
        .collect();
    let reporter = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                progress(done.load(Ordering::Relaxed));
            }
        })
    };
    let mut clients = Vec::with_capacity(tasks.len());
    for task in tasks {
        clients.push(task.await.unwrap_or(Client {
            ready_at: None,
            connect: None,
            failure: Some(Cause::OtherIo),
            latencies: Vec::new(),
        }));
    }
    let end = Instant::now();
    reporter.abort();
    // The last client to be ready, not the moment a task noticed it: a
    // busy runtime may run that task late. A run cut off before every
    // client was ready has no echo phase.
    let echo_from = if clients.iter().all(|c| c.ready_at.is_some()) {
        clients
            .iter()
            .filter_map(|c| c.ready_at)
            .max()
            .unwrap_or(end)
    } else {
        end
    };
    (echo_from - start, end - echo_from, clients)
}

async fn client(
    scenario: &Scenario,
    connected: &Barrier,
    line: &[u8],
    done: &AtomicU64,
    result: &mut Client,
) {
    let began = Instant::now();
    let stream =
        match tokio::time::timeout(scenario.timeout, TcpStream::connect(scenario.addr)).await {
            Ok(Ok(stream)) => {
                result.connect = Some(began.elapsed());
                Some(stream)
            }
            Ok(Err(e)) => {
                result.failure = Some(if e.kind() == io::ErrorKind::ConnectionRefused {
                    Cause::Refused
                } else {
                    Cause::ConnectFailed
                });
                None
            }
            Err(_) => {
                result.failure = Some(Cause::ConnectTimeout);
                None
            }
        };
    result.ready_at = Some(Instant::now());
    connected.wait().await;
    let Some(mut stream) = stream else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let mut back = vec![0; line.len()];
    for _ in 0..scenario.messages {
        let sent = Instant::now();
        let round_trip = async {
            stream.write_all(line).await?;
            stream.read_exact(&mut back).await?;
            io::Result::Ok(())
        };
        match tokio::time::timeout(scenario.timeout, round_trip).await {
            Ok(Ok(())) if back == line => {
                result.latencies.push(sent.elapsed().as_micros() as u64);
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Ok(())) => {
                result.failure = Some(Cause::WrongEcho);
                return;
            }
            Ok(Err(e)) => {
                result.failure = Some(cause_of(&e));
                return;
            }
            Err(_) => {
                result.failure = Some(Cause::EchoTimeout);
                return;
            }
        }
    }
}

/// An echo server started for a run: its process, and where it listens.
/// Stopped (killed) when dropped.
pub struct Server {
    child: std::process::Child,
    pub addr: SocketAddr,
    /// What it wrote on stderr, if started with [`Server::start_quiet`].
    said: Option<Arc<std::sync::Mutex<Said>>>,
}

/// What a server wrote on stderr: how many lines, and the first few.
#[derive(Debug, Default, Clone)]
pub struct Said {
    pub lines: usize,
    pub first: Vec<String>,
}

impl Server {
    /// Starts the server binary at `path` on a port of the system's choice
    /// on 127.0.0.1, with `args` after `--addr`, and waits for its line
    /// `Listening on <address>`.
    pub fn start(path: &str, args: &[&str]) -> io::Result<Server> {
        Server::spawn(path, args, false)
    }

    /// As [`Server::start`], but what the server writes on stderr is
    /// counted and its first lines kept ([`Server::said`]) instead of shown:
    /// ten thousand clients may make ten thousand lines.
    pub fn start_quiet(path: &str, args: &[&str]) -> io::Result<Server> {
        Server::spawn(path, args, true)
    }

    /// What the server wrote on stderr so far (started quiet), or nothing.
    pub fn said(&self) -> Said {
        self.said
            .as_ref()
            .map(|said| said.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }

    fn spawn(path: &str, args: &[&str], quiet: bool) -> io::Result<Server> {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(path)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if quiet {
                Stdio::piped()
            } else {
                Stdio::inherit()
            })
            .spawn()?;
        let said = child.stderr.take().map(|stderr| {
            let said = Arc::new(std::sync::Mutex::new(Said::default()));
            let kept = Arc::clone(&said);
            std::thread::spawn(move || {
                for line in io::BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut said = kept.lock().unwrap_or_else(|e| e.into_inner());
                    said.lines += 1;
                    if said.first.len() < 3 {
                        said.first.push(line);
                    }
                }
            });
            said
        });
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = io::BufReader::new(stdout).lines();
        let first = lines.next().transpose()?.unwrap_or_default();
        let addr = first
            .strip_prefix("Listening on ")
            .and_then(|addr| addr.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            return Err(io::Error::other(format!(
                "{path} said {first:?}, not where it listens"
            )));
        };
        // The rest of its output (a pool's line per connection) is read and
        // dropped, so that the server never waits on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Server { child, addr, said })
    }
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// What `/proc` says of process `pid` now: its peak resident memory, its
/// threads and its CPU time so far (Linux; zeros elsewhere).
pub fn usage_of(pid: u32) -> matrix::Usage {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    };
    let ticks = cpu_ticks(&format!("/proc/{pid}/stat"));
    let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .map_or(100, |hz| hz.max(1) as u64);
    matrix::Usage {
        peak_kib: field("VmHWM:"),
        threads: field("Threads:"),
        cpu_ms: ticks * 1000 / per_second,
    }
}

/// The processor time, user and system, in clock ticks, that a `stat`
/// file of `/proc` (a process's, or a thread's under `task/`) gives: its
/// 14th and 15th fields, after the name in parentheses. 0 if unreadable.
pub fn cpu_ticks(stat_path: &str) -> u64 {
    let stat = std::fs::read_to_string(stat_path).unwrap_or_default();
    stat.rsplit_once(')').map_or(0, |(_, rest)| {
        rest.split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|t| t.parse::<u64>().ok())
            .sum()
    })
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The small run that the tests of every echo server of the book make:
/// the server binary at `path`, started three times: 200 clients × 20
/// lines of 64 bytes without work, the same with 20,000 rounds a line, and
/// 20 clients × 5 lines of 60,000 bytes, more than one read takes. `Err`
/// with the report of the first run that was not complete. Then one
/// client sends a line longer than `echo::MAX_LINE` in one go: the server
/// must close the connection without sending it back.
pub fn smoke(path: &str) -> Result<(), String> {
    runs(path)?;
    refuses_a_long_line(path)
}

fn refuses_a_long_line(path: &str) -> Result<(), String> {
    use std::io::{Read, Write};
    let server = Server::start(path, &[]).map_err(|e| format!("{path}: {e}"))?;
    let mut stream =
        std::net::TcpStream::connect(server.addr).map_err(|e| format!("{path}: {e}"))?;
    let mut line = vec![b'x'; 70_000];
    line.push(b'\n');
    // The server may close while we still write: a reset is an answer too.
    let _ = stream.write_all(&line);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut back = Vec::new();
    let read = stream.read_to_end(&mut back);
    if back.len() >= line.len() {
        return Err(format!(
            "{path} sent back a line of {} bytes, longer than echo::MAX_LINE",
            back.len()
        ));
    }
    match read {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => Ok(()),
        Err(e) => Err(format!(
            "{path} neither closed a connection whose line was too long nor sent it back: {e}"
        )),
    }
}

fn runs(path: &str) -> Result<(), String> {
    for (work, clients, size) in [("0", 200, 64), ("20000", 200, 64), ("0", 20, 60_000)] {
        let server = Server::start(path, &["--work", work]).map_err(|e| format!("{path}: {e}"))?;
        let scenario = Scenario {
            addr: server.addr,
            clients,
            messages: if size > 64 { 5 } else { 20 },
            size,
            timeout: Duration::from_secs(10),
            limit: Duration::from_secs(60),
            threads: 2,
        };
        let report = run(&scenario, |_| {}).map_err(|e| format!("{path}: {e}"))?;
        if !report.complete() {
            return Err(format!(
                "{path} --work {work}, lines of {size} bytes:\n{report}"
            ));
        }
    }
    Ok(())
}
