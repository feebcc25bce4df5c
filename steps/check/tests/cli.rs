//! The `check` command as a reader runs it: what it prints, and its exit status.

use check::{CHAPTER_RANGE, CHAPTERS};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Output};
use std::thread;

const CHECK: &str = env!("CARGO_BIN_EXE_check");

/// A server like chapter 1's, on `addr`: it accepts every connection and
/// closes it at once.
fn chapter_1_server(addr: &str) -> SocketAddr {
    let listener = TcpListener::bind(addr).unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    addr
}

/// A server like chapter 3's: it reads the request head and answers with a
/// bare status line. (Unlike chapter 1's, its answers are the same every
/// time: no connection is reset.)
fn chapter_3_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            for line in BufReader::new(&stream).lines() {
                if line.map_or(true, |line| line.is_empty()) {
                    break;
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n\r\n");
        }
    });
    addr
}

fn check(args: &[&str]) -> Output {
    Command::new(CHECK).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn passes_with_status_0_when_every_claim_holds() {
    let addr = chapter_1_server("127.0.0.1:0").to_string();
    let output = check(&["ch01", "--addr", &addr]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(text.starts_with(&format!(
        "Checking the server on {addr} against chapter 1, “Listening for connections” (2 claims).\n\n"
    )));
    assert!(
        text.contains("PASS  The server accepts a connection and closes it without an answer.\n")
    );
    assert!(text.contains(
        "explained in: Chapter 1, section “Trying it”: \
             https://serving-the-web-with-rust.github.io/book/ch01-listen.html#trying-it\n"
    ));
    assert!(text.ends_with("Claims that hold: 2 of 2.\n"), "{text}");
}

#[test]
fn fails_with_status_1_and_says_what_came_back() {
    let addr = chapter_1_server("127.0.0.1:0").to_string();
    let output = check(&["ch03", "--addr", &addr]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    for line in [
        "FAIL  Every request, whatever its path, gets the same answer: \
         the status line `HTTP/1.1 200 OK` and nothing else.\n",
        "      sent:     GET / HTTP/1.1\\r\\nHost: 127.0.0.1:7878\\r\\nUser-Agent: curl/7.88.1\\r\\nAccept: */*\\r\\n\\r\\n\n",
        "      expected: HTTP/1.1 200 OK\\r\\n\\r\\n\n",
        "      got:      nothing: the server ",
        " the connection without an answer\n",
        "      explained in: Chapter 3, section “Sending bytes”: \
         https://serving-the-web-with-rust.github.io/book/ch03-respond.html#sending-bytes\n",
    ] {
        assert!(text.contains(line), "no line {line:?} in\n{text}");
    }
    assert!(
        text.ends_with("Claims that hold: 0 of 1. Failed: bare-status-line.\n"),
        "{text}"
    );
}

#[test]
fn prints_what_the_library_reports() {
    let addr = chapter_3_server();
    let output = check(&["ch04", "--addr", &addr.to_string()]);
    let chapter = check::Chapter::parse("ch04").unwrap();
    let report = check::run(chapter, &check::Target::new(addr));
    assert_eq!(stdout(&output), report.render());
}

#[test]
fn says_so_when_nothing_listens() {
    // A port that was free a moment ago.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let output = check(&["ch05", "--addr", &addr]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("Nothing is listening on {addr} — start your server with cargo run first.\n")
    );
}

#[test]
fn checks_127_0_0_1_7878_by_default() {
    testkit::on_own_loopback(|| {
        let output = check(&["ch01"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr(&output).starts_with("Nothing is listening on 127.0.0.1:7878 — "));

        chapter_1_server(testkit::BOOK_ADDR);
        let output = check(&["ch01"]);
        assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
        assert!(stdout(&output).starts_with("Checking the server on 127.0.0.1:7878 "));
    });
}

#[test]
fn skips_the_ctrl_c_claim_without_a_pid_and_says_how_to_run_it() {
    let addr = chapter_1_server("127.0.0.1:0").to_string();
    let text = stdout(&check(&["ch11", "--addr", &addr, "--sleep", "0.2"]));
    assert!(
        text.contains(
            "SKIP  Ctrl-C (SIGINT) stops the server gracefully: new connections are refused, \
             the request in progress still gets its whole answer, and then the process ends.\n      \
             Skipped: this claim needs your server's process id, and it stops your server. \
             Run the check again with `--pid <PID>`"
        ),
        "{text}"
    );
    assert!(text.ends_with(" Skipped: 1 (see above).\n"), "{text}");
}

#[test]
fn refuses_what_it_cannot_do_with_status_2() {
    // A chapter past the last one: refused before anything is checked, even
    // while a server listens on 127.0.0.1:7878.
    let past = "ch22";
    for args in [
        &[][..],
        &[past],
        &["ch01", "--addr", "localhost"],
        &["ch07", "--sleep", "0"],
        &["ch15", "--head-time", "0"],
    ] {
        let output = check(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty(), "{args:?}");
    }
    assert!(
        stderr(&check(&[past])).contains(&format!("no chapter \"{past}\": try {CHAPTER_RANGE}"))
    );
}

#[test]
fn the_help_names_the_chapters_there_are() {
    let text = stdout(&check(&["--help"]));
    assert!(text.contains(CHAPTER_RANGE), "{text}");
}

#[test]
fn lists_the_chapters_and_their_claims() {
    let output = check(&["--list"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text.starts_with("ch01  Listening for connections\n"),
        "{text}"
    );
    assert!(
        text.contains("ch07  A slow request blocks everyone\n"),
        "{text}"
    );
    assert!(text.contains("      root-waits-behind-sleep "), "{text}");
    assert_eq!(
        text.lines().filter(|line| line.starts_with("ch")).count(),
        CHAPTERS.len()
    );

    let text = stdout(&check(&["--list", "ch09"]));
    assert_eq!(
        text,
        format!(
            "ch09  Designing the pool's interface\n      {:<40} {}\n",
            "pool-runs-nothing",
            "The pool runs nothing yet: every connection is closed without an answer."
        )
    );
}
