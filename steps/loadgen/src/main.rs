//! `cargo run --release -p loadgen -- --addr 127.0.0.1:7000 --clients 1000 --messages 100`,
//! or `cargo run --release -p loadgen -- --smoke target/release/echo-threads`.
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// Part IV's experiment, the benchmark of echo servers that the book
/// reproduces, against an echo server on loopback: every client connects,
/// then each sends its lines one after another.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The echo server (loopback only).
    #[arg(long, default_value = "127.0.0.1:7000")]
    addr: SocketAddr,
    /// How many clients connect, all at once.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// How many lines each client sends, each once the one before is back.
    #[arg(long, default_value_t = 100)]
    messages: usize,
    /// Bytes in each line, its newline included.
    #[arg(long, default_value_t = 64)]
    size: usize,
    /// Seconds a connect or a round trip may take.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Seconds the whole run may take.
    #[arg(long, default_value_t = 120)]
    limit: u64,
    /// Threads of the load generator itself.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Run nothing else: start the echo server program at this path (on a
    /// port of the system's choice) and put it through the small load of
    /// the book's tests: many clients, work, long lines, a line too long.
    #[arg(long, value_name = "PROGRAM")]
    smoke: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(program) = &args.smoke {
        return match loadgen::smoke(program) {
            Ok(()) => {
                println!("{program}: every line came back, and the line too long was refused");
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("{e}");
                ExitCode::from(1)
            }
        };
    }
    let scenario = loadgen::Scenario {
        addr: args.addr,
        clients: args.clients,
        messages: args.messages,
        size: args.size,
        timeout: Duration::from_secs(args.timeout),
        limit: Duration::from_secs(args.limit),
        threads: args.threads,
    };
    // Hidden when stderr is not a terminal.
    let bar = ProgressBar::new((args.clients * args.messages) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} round trips, {per_sec}")
            .expect("the template is valid"),
    );
    let shown = bar.clone();
    let report = loadgen::run(&scenario, move |done| shown.set_position(done));
    bar.finish_and_clear();
    match report {
        Ok(report) => {
            println!("{report}");
            if report.complete() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
