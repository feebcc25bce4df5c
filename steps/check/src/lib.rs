//! What each chapter claims about its server, as checks that run against any
//! server on loopback: the reader's own, or a step of the book.
//!
//! `cargo run -p check -- ch07` runs chapter 7's claims against whatever
//! listens on `127.0.0.1:7878`. The step crates' tests call the very same
//! claims against the book's servers, so the chapter, its tests and the
//! reader's check can never disagree: each claim is written once, in
//! [`claims`].
//!
//! A claim sends something, knows what it expects, and reports what came
//! back and where the book explains it. Claims about what a server prints
//! cannot be seen from outside; they stay in the step crates' tests.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

pub mod claims;
mod client;
pub mod log;
mod show;

pub use client::{
    Answer, Connection, TIMEOUT, Trickler, curl_request, exchange, reset, send_and_hang_up,
    send_and_reset, trickle, wait_for_answer,
};
pub use show::describe;

/// The address every step listens on when a reader runs it.
pub const BOOK_ADDR: &str = "127.0.0.1:7878";

/// How long a request for `/sleep` takes in the book's servers (chapter 7).
/// (Their own unit tests use one second, and say so with [`Target::sleep`].)
pub const BOOK_SLEEP: Duration = Duration::from_secs(5);

/// How long a client has to send the head of its request to the servers of
/// chapter 15 (their unit tests use one second, and say so with
/// [`Target::head_time`]).
pub const BOOK_HEAD_TIME: Duration = Duration::from_secs(5);

/// How long the servers of chapter 18 keep a silent connection open between
/// two requests (their unit tests: one second, [`Target::idle_time`]).
pub const BOOK_IDLE_TIME: Duration = Duration::from_secs(5);

/// How many requests the servers of chapter 18 answer on one connection.
pub const BOOK_MAX_REQUESTS: usize = 100;

/// Once the server of chapter 19 stops: how long a connection that has sent
/// nothing of a request yet still has to send one.
pub const BOOK_LAST_CALL: Duration = Duration::from_secs(1);

/// The address of the published book, which the reports link to: the
/// default `SITE_URL` of `ci/lib.sh` (a test keeps the two the same).
pub const BOOK_URL: &str = "https://serving-the-web-with-rust.github.io/book/";

/// The exact bytes of `steps/hello.html`, which the book shows and the servers send.
///
/// If you change `hello.html` on purpose, change this copy too: the test
/// command fails until both agree, so the page in the book and the page the
/// servers send can never drift apart unnoticed.
pub const HELLO_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Hello from Rust</title>
  </head>
  <body>
    <h1>Hello!</h1>
    <p>This page comes from a web server we wrote ourselves.</p>
  </body>
</html>
"#;

/// The exact bytes of `steps/404.html` (see [`HELLO_HTML`]).
pub const NOT_FOUND_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Not found</title>
  </head>
  <body>
    <h1>Oops!</h1>
    <p>There is nothing at this address.</p>
  </body>
</html>
"#;

/// The exact bytes of `steps/503.html`, the page of chapter 14's servers for
/// a client they cannot serve now (see [`HELLO_HTML`]).
pub const BUSY_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Too busy</title>
  </head>
  <body>
    <h1>Too busy</h1>
    <p>Every worker is busy. Please try again in a moment.</p>
  </body>
</html>
"#;

/// `steps/500.html`: what chapter 20's server answers when a job panics.
pub const PANIC_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Something went wrong</title>
  </head>
  <body>
    <h1>Something went wrong</h1>
    <p>The server failed to answer this request. The fault is ours, not yours.</p>
  </body>
</html>
"#;

/// The whole answer of chapter 14's servers when every worker is busy and
/// the queue is full.
pub fn busy_response() -> String {
    let body = BUSY_HTML;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The response we expect for a page: status line, `Content-Length`,
/// `Connection: close`, blank line, body.
pub fn page_response(status_line: &str, body: &str) -> String {
    format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The status line and headers of `bytes`, if `bytes` is a whole answer:
/// a head, and as many bytes of body as its `Content-Length` says.
pub fn whole_answer(bytes: &[u8]) -> Option<(&str, Vec<(&str, &str)>)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let headers = lines
        .map(|line| {
            line.split_once(':')
                .map(|(name, value)| (name, value.trim()))
        })
        .collect::<Option<Vec<_>>>()?;
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok())?;
    (length == bytes.len() - end - 4).then_some((status_line, headers))
}

/// How long the first answer in `bytes` is, if it is all there: a head
/// with a `Content-Length`, and that many bytes of body after it, or none if
/// the request was a `HEAD` (`head_only`). And whether its head says
/// `Connection: close`.
pub fn first_answer(bytes: &[u8], head_only: bool) -> Option<(usize, bool)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..end - 4]).ok()?;
    let mut length = None;
    let mut closes = false;
    for line in head.split("\r\n").skip(1) {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            closes |= value
                .split(',')
                .any(|option| option.trim().eq_ignore_ascii_case("close"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().ok()?);
        }
    }
    let whole = end + if head_only { 0 } else { length? };
    length?;
    (bytes.len() >= whole).then_some((whole, closes))
}

/// Whether `bytes` is one whole answer after which the server keeps the
/// connection open for another request (chapter 18): see [`first_answer`],
/// and no `Connection: close`.
pub fn kept_whole(bytes: &[u8], head_only: bool) -> bool {
    first_answer(bytes, head_only) == Some((bytes.len(), false))
}

/// `expected` without its `Connection: close` line: what a server that keeps
/// the connection open sends instead.
pub fn kept_open(expected: &str) -> String {
    expected.replacen("\r\nConnection: close\r\n", "\r\n", 1)
}

/// Whether `got` is the answer `expected`: the same bytes; or, if `expected`
/// is a whole answer (a [`page_response`], say), one with the same status
/// line, the same body and every header of `expected`. Other headers may
/// come too: a `Date` and a `Content-Type`, from chapter 16 on.
pub fn same_answer(got: &[u8], expected: &str) -> bool {
    if got == expected.as_bytes() {
        return true;
    }
    let (Some((status, headers)), Some((expected_status, expected_headers))) =
        (whole_answer(got), whole_answer(expected.as_bytes()))
    else {
        return false;
    };
    status == expected_status
        && body(got) == body(expected.as_bytes())
        && expected_headers.iter().all(|(name, value)| {
            headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && v == value)
        })
}

/// What follows the blank line of a whole answer.
fn body(answer: &[u8]) -> &[u8] {
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n");
    end.map_or(&[], |end| &answer[end + 4..])
}

/// A chapter of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chapter {
    pub number: u8,
    /// Its file in `src/`.
    pub file: &'static str,
    /// Its title, the first heading of the file.
    pub title: &'static str,
}

/// The chapters of the book whose servers speak HTTP, in order: Parts I to
/// III, and chapter 27, whose server on Tokio keeps every claim of Part III.
/// (The servers of chapters 22 to 26 echo lines: `loadgen --smoke` tries those.)
pub const CHAPTERS: [Chapter; 22] = [
    chapter(1, "ch01-listen.md", "Listening for connections"),
    chapter(2, "ch02-read-request.md", "Reading the request"),
    chapter(3, "ch03-respond.md", "Writing a response"),
    chapter(4, "ch04-hello-html.md", "Returning a real page"),
    chapter(5, "ch05-validate.md", "Answering only what we know"),
    chapter(6, "ch06-refactor.md", "Refactoring"),
    chapter(7, "ch07-sleep.md", "A slow request blocks everyone"),
    chapter(
        8,
        "ch08-thread-per-connection.md",
        "One thread per connection",
    ),
    chapter(
        9,
        "ch09-pool-interface.md",
        "Designing the pool's interface",
    ),
    chapter(10, "ch10-pool.md", "Building the pool"),
    chapter(11, "ch11-shutdown.md", "Shutting down gracefully"),
    chapter(12, "ch12-whole-program.md", "The whole program"),
    chapter(
        13,
        "ch13-panics.md",
        "Jobs that panic, and writes that fail",
    ),
    chapter(
        14,
        "ch14-bounded-queue.md",
        "A bounded queue, and saying no",
    ),
    chapter(15, "ch15-time-limits.md", "Time limits for slow clients"),
    chapter(16, "ch16-parsing.md", "Parsing requests properly"),
    chapter(17, "ch17-files.md", "Serving files, and only those"),
    chapter(
        18,
        "ch18-keep-alive.md",
        "Keep-alive, and why it starves a pool",
    ),
    chapter(19, "ch19-stopping.md", "Stopping under load"),
    chapter(20, "ch20-logs.md", "Logs and counters"),
    chapter(21, "ch21-under-fire.md", "Under fire"),
    chapter(27, "ch27-tokio-web.md", "The web server on Tokio"),
];

/// The chapters there are, as the check's messages name them: `ch01 to ch21, or ch27`.
pub const CHAPTER_RANGE: &str = "ch01 to ch21, or ch27";

const fn chapter(number: u8, file: &'static str, title: &'static str) -> Chapter {
    Chapter {
        number,
        file,
        title,
    }
}

impl Chapter {
    /// The chapter `name` stands for: `ch07`, `ch7`, `07` or `7`.
    pub fn parse(name: &str) -> Option<Chapter> {
        let digits = name.strip_prefix("ch").unwrap_or(name);
        let number: u8 = digits.parse().ok()?;
        CHAPTERS.iter().copied().find(|c| c.number == number)
    }

    /// `ch07`.
    pub fn name(&self) -> String {
        format!("ch{:02}", self.number)
    }

    /// The claims of this chapter, in the order the check runs them.
    pub fn claims(&self) -> &'static [&'static Claim] {
        claims::of_chapter(self.number)
    }
}

/// Where the book explains a claim: a section (a `##` heading) of a chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub chapter: u8,
    /// The heading, as written in the Markdown file (with its backticks).
    pub heading: &'static str,
}

impl Section {
    pub fn chapter(&self) -> Chapter {
        CHAPTERS
            .into_iter()
            .find(|chapter| chapter.number == self.chapter)
            .expect("a claim names a chapter that has claims")
    }

    /// The id mdBook gives the heading: lower case, spaces as dashes, and
    /// nothing but letters, digits, `-` and `_`.
    pub fn anchor(&self) -> String {
        self.heading
            .chars()
            .filter_map(|c| match c {
                c if c.is_whitespace() => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
                _ => None,
            })
            .collect()
    }

    /// `src/ch05-validate.md#the-request-line-decides`: where it is in this repository.
    pub fn path(&self) -> String {
        format!("src/{}#{}", self.chapter().file, self.anchor())
    }

    /// Where readers find it in the published book:
    /// `https://…/ch05-validate.html#the-request-line-decides`.
    pub fn url(&self) -> String {
        let page = self.chapter().file.trim_end_matches(".md");
        format!("{BOOK_URL}{page}.html#{}", self.anchor())
    }
}

/// The server a check runs against.
pub struct Target {
    pub addr: SocketAddr,
    /// How long the server's `/sleep` takes.
    pub sleep: Duration,
    /// How long the server gives a client to send the head of its request
    /// (chapter 15).
    pub head_time: Duration,
    /// How long the server keeps a silent connection open between two
    /// requests (chapter 18).
    pub idle_time: Duration,
    /// The server's process id, for the claims that send it a signal.
    pub pid: Option<u32>,
    /// The file that the server's output goes to, for the claims that read
    /// its log (chapter 20).
    pub log: Option<PathBuf>,
    /// Requests of the last claim whose answers are still on their way; the
    /// next claim waits for them, so that it finds the server idle.
    in_flight: Mutex<Vec<client::Pending>>,
}

impl Target {
    /// The server at `addr`, with the book's sleep of five seconds.
    pub fn new(addr: SocketAddr) -> Target {
        Target {
            addr,
            sleep: BOOK_SLEEP,
            head_time: BOOK_HEAD_TIME,
            idle_time: BOOK_IDLE_TIME,
            pid: None,
            log: None,
            in_flight: Mutex::new(Vec::new()),
        }
    }

    /// The same server, whose `/sleep` takes `sleep`.
    pub fn sleep(mut self, sleep: Duration) -> Target {
        self.sleep = sleep;
        self
    }

    /// The same server, which gives a client `head_time` to send the head
    /// of its request.
    pub fn head_time(mut self, head_time: Duration) -> Target {
        self.head_time = head_time;
        self
    }

    /// The same server, which keeps a silent connection open for
    /// `idle_time` between two requests.
    pub fn idle_time(mut self, idle_time: Duration) -> Target {
        self.idle_time = idle_time;
        self
    }

    /// The same server, whose process has the id `pid`.
    pub fn pid(mut self, pid: u32) -> Target {
        self.pid = Some(pid);
        self
    }

    /// The same server, whose output goes to the file `log`.
    pub fn log(mut self, log: impl Into<PathBuf>) -> Target {
        self.log = Some(log.into());
        self
    }

    /// How long to wait for the answer to a request that may queue behind
    /// up to eight sleeping requests.
    fn patience(&self) -> Duration {
        TIMEOUT + self.sleep * 8
    }

    /// Leaves requests whose answers are still on their way: the next claim
    /// waits for them first.
    fn leave_running(&self, pending: impl IntoIterator<Item = client::Pending>) {
        self.in_flight.lock().unwrap().extend(pending);
    }

    /// Waits until the requests of the last claim are answered.
    fn settle(&self) {
        let pending = std::mem::take(&mut *self.in_flight.lock().unwrap());
        for request in pending {
            request.wait();
        }
    }
}

/// What a claim sent, what it expected and what came back, in words a
/// reader can follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub sent: String,
    pub expected: String,
    pub got: String,
}

/// How a claim turned out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass(Exchange),
    Fail(Exchange),
    /// Not checked, and why.
    Skipped(String),
}

impl Outcome {
    pub fn is_pass(&self) -> bool {
        matches!(self, Outcome::Pass(_))
    }

    pub fn is_fail(&self) -> bool {
        matches!(self, Outcome::Fail(_))
    }
}

/// One thing a chapter says about its server that a client can see.
pub struct Claim {
    /// A short, stable name, for `--list` and for tests.
    pub id: &'static str,
    /// What the chapter claims, in one sentence.
    pub statement: &'static str,
    /// Where the book explains it.
    pub explained_in: Section,
    check: fn(&Target) -> Outcome,
}

impl Claim {
    /// Checks the claim against `target`, once the requests of the last
    /// claim checked there are answered.
    pub fn check(&self, target: &Target) -> Outcome {
        target.settle();
        (self.check)(target)
    }

    /// Checks the claim, and panics with the report if it does not hold.
    #[track_caller]
    pub fn assert_holds(&self, target: &Target) {
        let outcome = self.check(target);
        assert!(
            outcome.is_pass(),
            "a claim does not hold:\n{}",
            render_result(self, &outcome)
        );
    }

    /// Checks the claim, and panics with the report if it holds.
    #[track_caller]
    pub fn assert_fails(&self, target: &Target) {
        let outcome = self.check(target);
        assert!(
            outcome.is_fail(),
            "a claim was expected to fail:\n{}",
            render_result(self, &outcome)
        );
    }
}

/// The claim called `id`, whatever chapter makes it.
///
/// # Panics
///
/// If there is no such claim.
pub fn claim(id: &str) -> &'static Claim {
    claims::ALL
        .iter()
        .copied()
        .find(|claim| claim.id == id)
        .unwrap_or_else(|| panic!("there is no claim called {id:?}"))
}

/// The claims of chapter `number`, in the order the check runs them; none
/// for a chapter that does not exist.
pub fn claims_for(number: u8) -> &'static [&'static Claim] {
    claims::of_chapter(number)
}

/// The results of a check.
pub struct Report {
    pub chapter: Chapter,
    pub addr: SocketAddr,
    pub results: Vec<(&'static Claim, Outcome)>,
}

impl Report {
    /// True if no claim failed (skipped ones do not count).
    pub fn passed(&self) -> bool {
        !self.results.iter().any(|(_, outcome)| outcome.is_fail())
    }

    /// The ids of the claims that failed.
    pub fn failed(&self) -> Vec<&'static str> {
        self.results
            .iter()
            .filter(|(_, outcome)| outcome.is_fail())
            .map(|(claim, _)| claim.id)
            .collect()
    }

    /// The whole report, as the `check` command prints it.
    pub fn render(&self) -> String {
        let mut text = heading(self.chapter, self.addr, self.results.len());
        for (claim, outcome) in &self.results {
            text.push('\n');
            text.push_str(&render_result(claim, outcome));
        }
        text.push('\n');
        text.push_str(&self.summary());
        text
    }

    /// The last line of the report.
    pub fn summary(&self) -> String {
        let total = self.results.len();
        let failed = self.failed();
        let skipped = self
            .results
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Outcome::Skipped(_)))
            .count();
        let checked = total - skipped;
        let mut line = format!("Claims that hold: {} of {checked}.", checked - failed.len());
        if !failed.is_empty() {
            let _ = write!(line, " Failed: {}.", failed.join(", "));
        }
        if skipped > 0 {
            let _ = write!(line, " Skipped: {skipped} (see above).");
        }
        line.push('\n');
        line
    }
}

/// The first lines of a report.
pub fn heading(chapter: Chapter, addr: SocketAddr, claims: usize) -> String {
    format!(
        "Checking the server on {addr} against chapter {}, “{}” ({claims} {}).\n",
        chapter.number,
        chapter.title,
        if claims == 1 { "claim" } else { "claims" }
    )
}

/// One claim's result, as the `check` command prints it.
pub fn render_result(claim: &Claim, outcome: &Outcome) -> String {
    let section = claim.explained_in;
    let label = match outcome {
        Outcome::Pass(_) => "PASS",
        Outcome::Fail(_) => "FAIL",
        Outcome::Skipped(_) => "SKIP",
    };
    let mut text = format!("{label}  {}\n", claim.statement);
    match outcome {
        Outcome::Pass(exchange) | Outcome::Fail(exchange) => {
            let _ = writeln!(text, "      sent:     {}", exchange.sent);
            let _ = writeln!(text, "      expected: {}", exchange.expected);
            let _ = writeln!(text, "      got:      {}", exchange.got);
        }
        Outcome::Skipped(why) => {
            let _ = writeln!(text, "      {why}");
        }
    }
    let _ = writeln!(
        text,
        "      explained in: Chapter {}, section “{}”: {}",
        section.chapter,
        section.heading,
        section.url()
    );
    text
}

/// Checks every claim of `chapter` against `target`, one after the other,
/// and hands each result to `each` as soon as it is known.
pub fn run_with(
    chapter: Chapter,
    target: &Target,
    mut each: impl FnMut(&'static Claim, &Outcome),
) -> Report {
    let mut results = Vec::new();
    for &claim in chapter.claims() {
        let outcome = claim.check(target);
        each(claim, &outcome);
        results.push((claim, outcome));
    }
    Report {
        chapter,
        addr: target.addr,
        results,
    }
}

/// Checks every claim of `chapter` against `target`, one after the other.
pub fn run(chapter: Chapter, target: &Target) -> Report {
    run_with(chapter, target, |_, _| {})
}

/// Whether anything listens on `addr`. If something does, we ask it for `/`
/// and read whatever comes back: a connection that hangs up without a word
/// would stop the servers of chapters 5 to 7.
pub fn probe(addr: SocketAddr) -> bool {
    !matches!(
        client::exchange(addr, curl_request("/").as_bytes(), TIMEOUT),
        client::Answer::CannotConnect(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;

    fn book_file(path: &str) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn hello_html_is_the_page_the_book_shows() {
        assert_eq!(
            book_file("steps/hello.html"),
            HELLO_HTML,
            "steps/hello.html changed: update check::HELLO_HTML if you meant it"
        );
    }

    #[test]
    fn panic_html_is_the_page_the_book_shows() {
        assert_eq!(
            book_file("steps/500.html"),
            PANIC_HTML,
            "steps/500.html changed: update check::PANIC_HTML if you meant it"
        );
    }

    #[test]
    fn busy_html_is_the_page_the_book_shows() {
        assert_eq!(
            book_file("steps/503.html"),
            BUSY_HTML,
            "steps/503.html changed: update check::BUSY_HTML if you meant it"
        );
    }

    #[test]
    fn a_busy_answer_is_a_whole_503_with_retry_after() {
        use claims::is_busy_answer;
        assert!(is_busy_answer(busy_response().as_bytes()));
        let short =
            "HTTP/1.1 503 Service Unavailable\r\nretry-after: 5\r\ncontent-length: 2\r\n\r\nno";
        assert!(is_busy_answer(short.as_bytes()));
        // Without Retry-After, with a body cut short, with another status.
        let without = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\nno";
        assert!(!is_busy_answer(without.as_bytes()));
        assert!(!is_busy_answer(&busy_response().as_bytes()[..100]));
        assert!(!is_busy_answer(
            busy_response()
                .replace("503 Service Unavailable", "200 OK")
                .as_bytes()
        ));
        assert!(!is_busy_answer(b""));
    }

    #[test]
    fn a_timeout_answer_is_a_whole_408() {
        use claims::is_timeout_answer;
        let timeout = page_response("HTTP/1.1 408 Request Timeout", "<p>Too slow.</p>\n");
        assert!(is_timeout_answer(timeout.as_bytes()));
        assert!(!is_timeout_answer(&timeout.as_bytes()[..timeout.len() - 1]));
        assert!(!is_timeout_answer(
            page_response("HTTP/1.1 400 Bad Request", "").as_bytes()
        ));
        assert!(!is_timeout_answer(b"HTTP/1.1 408 Request Timeout\r\n\r\n"));
    }

    #[test]
    fn not_found_html_is_the_page_the_book_shows() {
        assert_eq!(
            book_file("steps/404.html"),
            NOT_FOUND_HTML,
            "steps/404.html changed: update check::NOT_FOUND_HTML if you meant it"
        );
    }

    #[test]
    fn reports_link_to_the_published_book_of_ci_lib_sh() {
        let lib = book_file("ci/lib.sh");
        let default = lib
            .lines()
            .find_map(|line| line.strip_prefix("SITE_URL=${SITE_URL:-"))
            .and_then(|rest| rest.strip_suffix('}'))
            .expect("ci/lib.sh sets a default SITE_URL");
        assert_eq!(BOOK_URL, default);
        let section = claims_for(5)[1].explained_in;
        assert_eq!(
            section.url(),
            format!("{BOOK_URL}ch05-validate.html#the-request-line-decides")
        );
    }

    #[test]
    fn every_chapter_has_its_title_and_file() {
        for chapter in CHAPTERS {
            let text = book_file(&format!("src/{}", chapter.file));
            assert_eq!(
                text.lines().next(),
                Some(format!("# {}", chapter.title).as_str()),
                "{}",
                chapter.file
            );
        }
    }

    #[test]
    fn every_claim_names_a_section_that_exists() {
        for claim in claims::ALL {
            let section = claim.explained_in;
            let text = book_file(&format!("src/{}", section.chapter().file));
            assert!(
                text.lines().any(|line| {
                    line.strip_prefix("### ")
                        .or_else(|| line.strip_prefix("## "))
                        == Some(section.heading)
                }),
                "claim {}: no section “{}” in {}",
                claim.id,
                section.heading,
                section.chapter().file
            );
        }
    }

    #[test]
    fn anchors_are_the_ids_mdbook_gives_headings() {
        let section = |heading| Section {
            chapter: 11,
            heading,
        };
        assert_eq!(section("Stopping on Ctrl-C").anchor(), "stopping-on-ctrl-c");
        assert_eq!(section("`execute`").anchor(), "execute");
        assert_eq!(
            section("What a pool protects, and what it does not").anchor(),
            "what-a-pool-protects-and-what-it-does-not"
        );
    }

    #[test]
    fn claim_ids_are_unique_and_every_chapter_has_claims() {
        let mut ids: Vec<_> = claims::ALL.iter().map(|claim| claim.id).collect();
        ids.sort_unstable();
        let count = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), count, "two claims share an id");
        for chapter in CHAPTERS {
            assert!(
                !chapter.claims().is_empty(),
                "{} has no claims",
                chapter.name()
            );
        }
    }

    #[test]
    fn the_range_of_chapters_names_them_all() {
        let numbers: Vec<u8> = CHAPTERS.iter().map(|chapter| chapter.number).collect();
        let expected: Vec<u8> = (1..=21).chain([27]).collect();
        assert_eq!(numbers, expected, "change CHAPTER_RANGE too");
        assert_eq!(CHAPTER_RANGE, "ch01 to ch21, or ch27");
    }

    #[test]
    fn chapters_parse_in_every_usual_spelling() {
        for name in ["ch07", "ch7", "07", "7"] {
            assert_eq!(Chapter::parse(name).map(|c| c.number), Some(7), "{name}");
        }
        for name in ["ch22", "ch26", "ch28", "ch00", "chapter7", ""] {
            assert_eq!(Chapter::parse(name), None, "{name}");
        }
    }
}
