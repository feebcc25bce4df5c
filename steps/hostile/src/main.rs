//! `cargo run -p hostile -- --seconds 60`: bad clients of every kind
//! against the server on 127.0.0.1:7878, beside well-behaved ones; then a
//! table of what each kind tried and got. Exits with 1 if anything was not
//! as expected, or if the server no longer runs four sleeps side by side.

use clap::Parser;
use hostile::{Config, Report};
use indicatif::{ProgressBar, ProgressStyle};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// Attacks a server on loopback with bad clients of every kind, for a
/// bounded time, and reports what each kind got.
#[derive(Parser)]
#[command(name = "hostile")]
struct Args {
    /// The address the server listens on: loopback only.
    #[arg(long, default_value = check::BOOK_ADDR)]
    addr: SocketAddr,

    /// How many seconds new attempts start (1 to 600).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,

    /// How many seconds the server gives a client to send a head.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    head_time: f64,

    /// How many seconds the server's `/sleep` takes.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    sleep: f64,

    /// Print what each kind of client sends and expects, and do nothing else.
    #[arg(long)]
    list: bool,

    /// Only send four requests for `/sleep` side by side, and say whether
    /// they took one sleep: whether every worker is alive.
    #[arg(long)]
    sleeps_only: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        print!("{}", Report::legend());
        return ExitCode::SUCCESS;
    }
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "error: hostile attacks loopback addresses only, not {}",
            args.addr
        );
        return ExitCode::from(2);
    }
    for (name, seconds) in [("--head-time", args.head_time), ("--sleep", args.sleep)] {
        if !(seconds > 0.0 && seconds < 3600.0) {
            eprintln!("error: {name} takes a number of seconds, more than 0 and less than 3600");
            return ExitCode::from(2);
        }
    }
    if !check::probe(args.addr) {
        eprintln!(
            "Nothing is listening on {}: start the server first.",
            args.addr
        );
        return ExitCode::from(2);
    }
    let config = Config {
        addr: args.addr,
        duration: Duration::from_secs(args.seconds),
        head_time: Duration::from_secs_f64(args.head_time),
        sleep: Duration::from_secs_f64(args.sleep),
    };

    if args.sleeps_only {
        let took = hostile::side_by_side(&config);
        let alive = hostile::all_alive(&config, took);
        let words = hostile::side_by_side_in_words(&config, took);
        println!("{}{}", words[..1].to_uppercase(), &words[1..]);
        return if alive {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }

    // Drawn on stderr, and only on a terminal.
    let bar = ProgressBar::new(args.seconds);
    bar.set_style(
        ProgressStyle::with_template("{elapsed:>4} of {len} s [{bar:30}] {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let report = hostile::run(&config, |attempts| {
        bar.set_position(started.elapsed().as_secs().min(args.seconds));
        bar.set_message(format!("{attempts} attempts"));
    });
    bar.finish_and_clear();

    println!(
        "Hostile clients against {} for {} s, each client one attempt after another:\n",
        config.addr, args.seconds
    );
    print!("{}", report.render());
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
