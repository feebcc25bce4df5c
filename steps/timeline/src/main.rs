//! Draws the timelines that chapters 7, 8, 10 and 11 show, from real runs.
//!
//! For each scenario it starts the step's real binary, listening on
//! `127.0.0.1:7878` as when a reader runs it, plays the client, and writes
//! `src/img/timeline-<scenario>.svg`. On Linux every scenario runs in a
//! network namespace of its own (as the steps' tests do), so they all run at
//! once, in about half a minute, and pass while something else holds port
//! 7878; elsewhere they take turns on the machine's own port.
//!
//! ```text
//! ci/timelines.sh                                  # all of them
//! cargo run --release -p timeline -- ch07 ch08     # some of them
//! ```
//!
//! A run that does not show its chapter's point (a machine so busy that a
//! sleep took twice as long, say) writes no picture and fails.

use std::fs;
use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use clap::{ArgGroup, Parser};
use testkit::{BOOK_ADDR, Binary};
use timeline::{About, Action, Connection, Exit, Outcome, Run, SCENARIOS, Scenario, Signal};

/// How long `/sleep` takes when a step runs as readers run it.
const SLEEP_MS: u64 = 5000;
/// How long a client waits for an answer: the slowest, `/` behind six
/// sleeps, takes half a minute.
const PATIENCE: Duration = Duration::from_secs(90);

/// Runs a step's server under a small, fixed scenario and draws the timeline
/// of its connections (one row each, a bar from arrival to answer) as SVG.
#[derive(Debug, Parser)]
#[command(
    name = "timeline",
    group(ArgGroup::new("what").required(true).args(["scenarios", "all", "list", "redraw", "inside"])),
    after_help = "ci/timelines.sh runs `cargo run --release -p timeline -- --all`."
)]
struct Args {
    /// The scenarios to run (see --list).
    #[arg(value_name = "SCENARIO", value_parser = scenario_name)]
    scenarios: Vec<String>,

    /// Run every scenario.
    #[arg(long)]
    all: bool,

    /// List the scenarios and what each one shows.
    #[arg(long)]
    list: bool,

    /// Run nothing: draw the pictures in --out-dir again from the timings
    /// they hold, after a change to the drawing.
    #[arg(long)]
    redraw: bool,

    /// Where the pictures go.
    #[arg(long, value_name = "DIR", default_value_os_t = default_out_dir())]
    out_dir: PathBuf,

    /// Runs one scenario right here, against --binary: what the tool runs
    /// in each network namespace.
    #[arg(long, hide = true, value_name = "SCENARIO", value_parser = scenario_name, requires_all = ["binary", "command"])]
    inside: Option<String>,

    #[arg(long, hide = true)]
    binary: Option<PathBuf>,

    /// The command line to record in the picture.
    #[arg(long, hide = true)]
    command: Option<String>,
}

fn scenario_name(name: &str) -> Result<String, String> {
    match timeline::scenario(name) {
        Some(_) => Ok(name.to_string()),
        None => {
            let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
            Err(format!("no such scenario; there are {}", names.join(", ")))
        }
    }
}

fn steps_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tool lives in steps/")
}

/// The book's `src/img/`.
fn default_out_dir() -> PathBuf {
    steps_dir()
        .parent()
        .expect("steps/ lives in the repository")
        .join("src/img")
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        for s in SCENARIOS {
            println!("{:<16} {:<28} {}", s.name, s.step, s.point);
        }
        return ExitCode::SUCCESS;
    }
    if args.redraw {
        return match redraw(&args.out_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(name) = &args.inside {
        let scenario = timeline::scenario(name).expect("checked by clap");
        let binary = args.binary.as_deref().expect("checked by clap");
        let command = args.command.as_deref().expect("checked by clap");
        return match run_and_draw(scenario, binary, &args.out_dir, command) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }

    let chosen: Vec<&Scenario> = if args.all {
        SCENARIOS.iter().collect()
    } else {
        (args.scenarios.iter())
            .map(|name| timeline::scenario(name).expect("checked by clap"))
            .collect()
    };
    let command = std::iter::once("timeline".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    if let Err(e) = build(&chosen) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if let Err(e) = fs::create_dir_all(&args.out_dir) {
        eprintln!("error: cannot create {}: {e}", args.out_dir.display());
        return ExitCode::FAILURE;
    }
    let bin_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .expect("cannot find the folder of this program");
    let binary = |s: &Scenario| bin_dir.join(format!("{}{}", s.step, std::env::consts::EXE_SUFFIX));

    let mut failed = 0;
    let exe = std::env::current_exe().expect("cannot find this program");
    if testkit::command_on_own_loopback(&exe).is_some() {
        println!(
            "==> Running {} scenario(s) at once, each in a network namespace of its own",
            chosen.len()
        );
        let children: Vec<_> = (chosen.iter())
            .map(|s| {
                let child = testkit::command_on_own_loopback(&exe)
                    .expect("namespaces work")
                    .args(["--inside", s.name, "--command", &command, "--binary"])
                    .arg(binary(s))
                    .arg("--out-dir")
                    .arg(&args.out_dir)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn();
                (s, child)
            })
            .collect();
        for (s, child) in children {
            let output = child.and_then(|c| c.wait_with_output());
            match output {
                Ok(output) if output.status.success() => {
                    print!("{}", String::from_utf8_lossy(&output.stdout));
                }
                Ok(output) => {
                    failed += 1;
                    print!("{}", String::from_utf8_lossy(&output.stdout));
                    eprintln!(
                        "error: {}: {}",
                        s.name,
                        String::from_utf8_lossy(&output.stderr).trim_end()
                    );
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {}: cannot run unshare: {e}", s.name);
                }
            }
        }
    } else {
        println!("==> Running the scenarios one after the other, on this machine's {BOOK_ADDR}");
        for s in &chosen {
            // A panic (port 7878 busy, a server that does not start) ends only this scenario.
            let outcome =
                std::panic::catch_unwind(|| run_and_draw(s, &binary(s), &args.out_dir, &command));
            match outcome {
                Ok(Ok(report)) => print!("{report}"),
                Ok(Err(e)) => {
                    failed += 1;
                    eprintln!("error: {}: {e}", s.name);
                }
                Err(_) => failed += 1,
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} scenario(s) failed; their pictures were left as they were",
            chosen.len()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Draws every scenario's picture in `dir` again from its own data.
fn redraw(dir: &Path) -> Result<(), String> {
    for scenario in SCENARIOS {
        let path = dir.join(format!("timeline-{}.svg", scenario.name));
        let old = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let run = timeline::read(&old).map_err(|e| format!("{}: {e}", path.display()))?;
        let new = timeline::draw(&run);
        if new != old {
            fs::write(&path, new).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("redrew {}", path.display());
        }
    }
    Ok(())
}

/// Builds the steps' binaries, with the profile of this program, so that
/// they land next to it.
fn build(chosen: &[&Scenario]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(steps_dir()).args(["build", "--quiet"]);
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    for s in chosen {
        command.args(["-p", s.step]);
    }
    let shown: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    println!("==> Building the steps: cargo {}", shown.join(" "));
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the build failed".to_string())
    }
}

/// Runs `scenario` against `binary`, checks that the run shows the
/// chapter's point, and writes the picture; returns what to print.
fn run_and_draw(
    scenario: &Scenario,
    binary: &Path,
    out_dir: &Path,
    command: &str,
) -> Result<String, String> {
    let run = measure(scenario, binary, about(command));
    let mut report = format!(
        "{} ({}): {}\n",
        scenario.name, scenario.step, scenario.point
    );
    for (index, c) in run.connections.iter().enumerate() {
        let seconds = |ms: u64| format!("{:.3} s", ms as f64 / 1000.0);
        let what = match &c.outcome {
            Outcome::Answered {
                status,
                first_byte_ms,
                ..
            } => format!("answered at {} ({status})", seconds(*first_byte_ms)),
            Outcome::Failed { error, at_ms } => format!("{error} at {}", seconds(*at_ms)),
        };
        report += &format!(
            "    #{} {:<11} arrived at {}, {what}\n",
            index + 1,
            c.request,
            seconds(c.connect_ms)
        );
    }
    if let Some(signal) = &run.signal {
        report += &format!("    {} at {} ms\n", signal.name, signal.at_ms);
    }
    if let Some(exit) = &run.exit {
        report += &format!("    exit status {} at {} ms\n", exit.status, exit.at_ms);
    }
    scenario.check(&run).map_err(|e| {
        format!("{report}{e}: no picture written (run it again on a quieter machine)")
    })?;
    let path = out_dir.join(format!("timeline-{}.svg", scenario.name));
    fs::write(&path, timeline::draw(&run))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    report += &format!("    wrote {}\n", path.display());
    Ok(report)
}

fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

/// Starts the step's binary, plays the scenario, and records what happened.
fn measure(scenario: &Scenario, binary: &Path, about: About) -> Run {
    let mut server = Binary::start(
        binary
            .to_str()
            .expect("the path of the binary is not UTF-8"),
    );
    let start = Instant::now();
    let mut clients = Vec::new();
    let mut signal = None;
    for send in scenario.sends {
        let due = start + Duration::from_millis(send.at_ms);
        thread::sleep(due.saturating_duration_since(Instant::now()));
        match send.action {
            Action::Get(path) => clients.push(get(start, path)),
            Action::CtrlC => {
                server.signal("INT");
                signal = Some(Signal {
                    name: "SIGINT".to_string(),
                    at_ms: ms_since(start),
                });
            }
        }
    }
    let exit = scenario.signals().then(|| {
        let (status, _) = server.wait_for_exit();
        Exit {
            at_ms: ms_since(start),
            status: status.code().unwrap_or(-1),
        }
    });
    let connections = (clients.into_iter())
        .map(|client| client.join().expect("a client thread panicked"))
        .collect();
    Run {
        scenario: scenario.name.to_string(),
        step: scenario.step.to_string(),
        sleep_ms: SLEEP_MS,
        connections,
        signal,
        exit,
        about,
    }
}

/// Connects and sends `GET {path}` now, on this thread, so that the server
/// sees the connections in the scenario's order; reads the answer on
/// another thread.
fn get(start: Instant, path: &str) -> JoinHandle<Connection> {
    let request = format!("GET {path}");
    let connected = TcpStream::connect(BOOK_ADDR);
    let connect_ms = ms_since(start);
    let sent = connected.and_then(|mut stream| {
        stream.set_read_timeout(Some(PATIENCE))?;
        stream.write_all(testkit::curl_request(path).as_bytes())?;
        Ok(stream)
    });
    thread::spawn(move || {
        let outcome = match sent {
            Ok(mut stream) => read_answer(&mut stream, start),
            Err(e) => failed(&e, start),
        };
        Connection {
            request,
            connect_ms,
            outcome,
        }
    })
}

fn read_answer(stream: &mut TcpStream, start: Instant) -> Outcome {
    let mut response = vec![0; 4096];
    let first = match stream.read(&mut response) {
        Ok(0) => return failed(&io::Error::from(ErrorKind::UnexpectedEof), start),
        Ok(n) => n,
        Err(e) => return failed(&e, start),
    };
    let first_byte_ms = ms_since(start);
    response.truncate(first);
    if let Err(e) = stream.read_to_end(&mut response) {
        return failed(&e, start);
    }
    let closed_ms = ms_since(start);
    // "HTTP/1.1 200 OK": the second word.
    let status = String::from_utf8_lossy(&response)
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok());
    match status {
        Some(status) => Outcome::Answered {
            status,
            first_byte_ms,
            closed_ms,
        },
        None => Outcome::Failed {
            error: "EPROTO".to_string(),
            at_ms: first_byte_ms,
        },
    }
}

/// A failed connection, named as the C library names its error.
fn failed(e: &io::Error, start: Instant) -> Outcome {
    let error = match e.kind() {
        ErrorKind::ConnectionRefused => "ECONNREFUSED".to_string(),
        ErrorKind::ConnectionReset => "ECONNRESET".to_string(),
        ErrorKind::ConnectionAborted => "ECONNABORTED".to_string(),
        ErrorKind::BrokenPipe => "EPIPE".to_string(),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => "ETIMEDOUT".to_string(),
        // The server closed the connection without a byte of an answer.
        ErrorKind::UnexpectedEof => "EOF".to_string(),
        kind => format!("{kind:?}"),
    };
    Outcome::Failed {
        error,
        at_ms: ms_since(start),
    }
}

/// The machine and the moment of the run.
fn about(command: &str) -> About {
    let read = |path: &str| fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map_or_else(
            || std::env::consts::ARCH.to_string(),
            |(_, name)| name.trim().to_string(),
        );
    let kernel = format!(
        "{} {}",
        read("/proc/sys/kernel/ostype").trim(),
        read("/proc/sys/kernel/osrelease").trim()
    );
    let kernel = match kernel.trim() {
        "" => std::env::consts::OS.to_string(),
        kernel => kernel.to_string(),
    };
    About {
        date: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        command: command.to_string(),
        cpu,
        cores: thread::available_parallelism().map_or(1, |n| n.get()),
        kernel,
    }
}
