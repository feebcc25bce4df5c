//! Every echo server of the book against every scenario of the seed, one
//! run each, on loopback: `bash ci/measure-echo.sh` builds the servers and
//! runs this. Each run is bounded (`--limit`); the whole matrix takes a few
//! minutes. Writes `matrix.tsv`, `matrix.txt` and `rows/` into `--out`.
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use loadgen::matrix::{self, LOADS, MODELS, Row, Usage};
use loadgen::{Scenario, Server};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use std::{fs, thread};

#[derive(Parser, Debug)]
#[command(version, args_override_self = true)]
struct Args {
    /// Where the servers' binaries are (default: beside this one).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
    /// Where the results go.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Only these servers (by binary name; repeat the option for more).
    #[arg(long)]
    only: Vec<String>,
    /// Only these scenarios (1k, 10k, 10k-cpu).
    #[arg(long)]
    scenario: Vec<String>,
    /// Seconds a connect or a round trip may take (default: the
    /// scenario's, 10 s, or 60 s with work).
    #[arg(long)]
    timeout: Option<u64>,
    /// Seconds one run may take.
    #[arg(long, default_value_t = 90)]
    limit: u64,
    /// Threads of the load generator.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// What to write as the run's date and command (ci/measure-echo.sh sets them).
    #[arg(long, default_value = "unknown")]
    date: String,
    #[arg(long, default_value = "cargo run --release -p loadgen --bin matrix")]
    command: String,
    /// Run nothing: write the rows of the book's tables again from the
    /// `matrix.tsv` in `--out` (after a change to how they look).
    #[arg(long)]
    rows_only: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.rows_only {
        return match rows_again(&args.out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let bin_dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None => match std::env::current_exe() {
            Ok(exe) => exe.parent().map(PathBuf::from).unwrap_or_default(),
            Err(e) => {
                eprintln!("error: where am I? {e}");
                return ExitCode::from(2);
            }
        },
    };
    let models: Vec<_> = MODELS
        .iter()
        .filter(|m| args.only.is_empty() || args.only.iter().any(|o| o == m.binary))
        .collect();
    let loads: Vec<_> = LOADS
        .iter()
        .filter(|l| args.scenario.is_empty() || args.scenario.iter().any(|s| s == l.name))
        .collect();
    if models.is_empty() || loads.is_empty() {
        eprintln!("error: no server or no scenario left to run (see --only and --scenario)");
        return ExitCode::from(2);
    }
    let mut rows = Vec::new();
    let mut reports = String::new();
    for load in &loads {
        for model in &models {
            let path = bin_dir.join(model.binary);
            let work = load.work.to_string();
            let mut server_args = vec!["--work", work.as_str()];
            server_args.extend_from_slice(model.args);
            let server = match Server::start_quiet(&path.to_string_lossy(), &server_args) {
                Ok(server) => server,
                Err(e) => {
                    eprintln!("error: cannot start {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            };
            let scenario = Scenario {
                addr: server.addr,
                clients: load.clients,
                messages: load.messages,
                size: 64,
                timeout: Duration::from_secs(args.timeout.unwrap_or(load.timeout)),
                limit: Duration::from_secs(args.limit),
                threads: args.threads,
            };
            eprintln!(
                "{} × {} lines, work {}: {}",
                load.clients, load.messages, load.work, model.binary
            );
            let bar = ProgressBar::new((load.clients * load.messages) as u64);
            bar.set_style(
                ProgressStyle::with_template("  {bar:40} {pos}/{len} round trips, {per_sec}")
                    .expect("the template is valid"),
            );
            let (threads, stop) = watch_threads(server.pid());
            let shown = bar.clone();
            let report = loadgen::run(&scenario, move |done| shown.set_position(done));
            bar.finish_and_clear();
            stop.store(true, Ordering::Relaxed);
            let most_threads = threads.join().unwrap_or(0);
            let usage = Usage {
                threads: most_threads,
                ..loadgen::usage_of(server.pid())
            };
            let said = server.said();
            drop(server);
            let report = match report {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let row = Row::of(model.binary, load, &report, &usage);
            eprintln!(
                "  {} round trips a second, {} clients failed",
                row.per_second,
                row.failed()
            );
            writeln!(
                reports,
                "\n## {} ({} {})\n\n{report}\nserver:  peak {} KiB resident, {} threads at most, {:.2} s of CPU time",
                model.binary,
                load.name,
                if load.work > 0 {
                    format!("--work {}", load.work)
                } else {
                    String::new()
                },
                usage.peak_kib,
                usage.threads,
                usage.cpu_ms as f64 / 1000.0,
            )
            .expect("writing to a String cannot fail");
            if said.lines > 0 {
                writeln!(
                    reports,
                    "server said {} lines on stderr, the first:\n  {}",
                    said.lines,
                    said.first.join("\n  ")
                )
                .expect("writing to a String cannot fail");
            }
            rows.push(row);
        }
    }
    if let Err(e) = write(&args, &rows, &reports) {
        eprintln!(
            "error: writing the results into {}: {e}",
            args.out.display()
        );
        return ExitCode::from(2);
    }
    eprintln!("Wrote {}", args.out.display());
    ExitCode::SUCCESS
}

/// Counts the threads of process `pid` every 50 ms until told to stop;
/// the thread's result is the most it saw.
fn watch_threads(pid: u32) -> (thread::JoinHandle<u64>, Arc<AtomicBool>) {
    let stop = Arc::new(AtomicBool::new(false));
    let told = Arc::clone(&stop);
    let handle = thread::spawn(move || {
        let mut most = 0;
        while !told.load(Ordering::Relaxed) {
            most = most.max(loadgen::usage_of(pid).threads);
            thread::sleep(Duration::from_millis(50));
        }
        most
    });
    (handle, stop)
}

fn write(args: &Args, rows: &[Row], reports: &str) -> std::io::Result<()> {
    fs::create_dir_all(args.out.join("rows"))?;
    let mut tsv = String::from(matrix::HEADER);
    tsv.push('\n');
    for row in rows {
        tsv.push_str(&row.to_tsv());
        tsv.push('\n');
    }
    fs::write(args.out.join("matrix.tsv"), tsv)?;
    let text = format!(
        "The echo servers of Part IV, measured by loadgen's matrix\n\
         machine: {}\n\
         run:     {}, by {}; release builds; loopback; loadgen on {} threads, \
         timeout {}, each run cut off after {} s\n{reports}",
        machine(),
        args.date,
        args.command,
        args.threads,
        match args.timeout {
            Some(seconds) => format!("{seconds} s"),
            None => "10 s (60 s with work)".to_string(),
        },
        args.limit,
    );
    fs::write(args.out.join("matrix.txt"), text)?;
    for (name, content) in matrix::rows_files(rows) {
        fs::write(args.out.join("rows").join(name), content)?;
    }
    Ok(())
}

/// Writes `rows/` from the `matrix.tsv` in `out`.
fn rows_again(out: &std::path::Path) -> Result<(), String> {
    let tsv = out.join("matrix.tsv");
    let text = fs::read_to_string(&tsv).map_err(|e| format!("{}: {e}", tsv.display()))?;
    let rows = matrix::parse_tsv(&text)?;
    fs::create_dir_all(out.join("rows")).map_err(|e| e.to_string())?;
    for (name, content) in matrix::rows_files(&rows) {
        fs::write(out.join("rows").join(&name), content).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// `AMD EPYC, 2 cores; kernel: Linux 6.18.44`, from /proc.
fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|r| format!("Linux {}", r.trim()))
        .unwrap_or_else(|_| "unknown".into());
    format!("{cpu}, {cores} cores; kernel: {kernel}")
}
