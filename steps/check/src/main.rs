//! `cargo run -p check -- ch07`: checks what chapter 7 claims against the
//! server that listens on 127.0.0.1:7878, your own or a step of the book.

use check::{BOOK_ADDR, CHAPTER_RANGE, CHAPTERS, Chapter, Target};
use clap::Parser;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Checks what a chapter of the book claims against a running server.
///
/// Start your server (`cargo run` in your project), then run, from `steps/`:
/// `cargo run -p check -- ch05`.
#[derive(Parser)]
#[command(name = "check")]
struct Args {
    /// The chapter whose claims to check: ch01 to ch21, or ch27.
    #[arg(required_unless_present = "list", value_parser = parse_chapter)]
    chapter: Option<Chapter>,

    /// The address the server listens on.
    #[arg(long, default_value = BOOK_ADDR)]
    addr: SocketAddr,

    /// The server's process id, for the claims of chapter 11 that send it
    /// Ctrl-C (SIGINT). They stop the server.
    #[arg(long)]
    pid: Option<u32>,

    /// The file your server's output goes to (`cargo run > server.log`),
    /// for the claims of chapter 20 that read its log.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,

    /// How many seconds the server's `/sleep` takes (chapter 7).
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    sleep: f64,

    /// How many seconds the server gives a client to send the head of its
    /// request (chapter 15).
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    head_time: f64,

    /// List the claims of the chapter, or of every chapter, without checking them.
    #[arg(long)]
    list: bool,
}

fn parse_chapter(name: &str) -> Result<Chapter, String> {
    Chapter::parse(name).ok_or_else(|| format!("no chapter {name:?}: try {CHAPTER_RANGE}"))
}

fn list(chapters: &[Chapter]) {
    for chapter in chapters {
        println!("{}  {}", chapter.name(), chapter.title);
        for claim in chapter.claims() {
            println!("      {:<40} {}", claim.id, claim.statement);
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.list {
        match args.chapter {
            Some(chapter) => list(&[chapter]),
            None => list(&CHAPTERS),
        }
        return ExitCode::SUCCESS;
    }
    let chapter = args
        .chapter
        .expect("clap requires a chapter without --list");
    if !(args.sleep > 0.0 && args.sleep < 3600.0) {
        eprintln!("error: --sleep takes a number of seconds, more than 0 and less than 3600");
        return ExitCode::from(2);
    }

    if !check::probe(args.addr) {
        eprintln!(
            "Nothing is listening on {} — start your server with cargo run first.",
            args.addr
        );
        return ExitCode::from(2);
    }

    if !(args.head_time > 0.0 && args.head_time < 3600.0) {
        eprintln!("error: --head-time takes a number of seconds, more than 0 and less than 3600");
        return ExitCode::from(2);
    }
    let mut target = Target::new(args.addr)
        .sleep(Duration::from_secs_f64(args.sleep))
        .head_time(Duration::from_secs_f64(args.head_time));
    if let Some(pid) = args.pid {
        target = target.pid(pid);
    }
    if let Some(log) = args.log {
        target = target.log(log);
    }
    println!(
        "{}",
        check::heading(chapter, args.addr, chapter.claims().len())
    );
    let report = check::run_with(chapter, &target, |claim, outcome| {
        println!("{}", check::render_result(claim, outcome));
        let _ = std::io::stdout().flush();
    });
    print!("{}", report.summary());
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
