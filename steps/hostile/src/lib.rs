//! Bad clients of every kind against a server on loopback, beside
//! well-behaved ones, for a bounded time: silent and trickling clients,
//! garbage, heads too long, paths that try to escape, bodies, resets,
//! hang-ups and panics. Then what each kind tried and what it got, and
//! whether the server still runs four requests side by side.
//!
//! `cargo run -p hostile -- --seconds 60` runs it against whatever listens
//! on `127.0.0.1:7878`: the book's servers of chapters 20 and 21, or your own.

use check::{Answer, TIMEOUT, curl_request, exchange, send_and_hang_up, send_and_reset};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// What to attack, and for how long.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// How long new attempts start; those under way then finish.
    pub duration: Duration,
    /// The server's time for a head: a silent client gets its `408` then.
    pub head_time: Duration,
    /// How long the server's `/sleep` takes.
    pub sleep: Duration,
}

/// What one attempt got: what was expected, or something else, in a few
/// words: `200`, `408`, `reset`, `no answer within 15.00 s`…
enum Outcome {
    Expected(String),
    Other(String),
}

// ANCHOR: kind
/// A kind of client.
pub struct Kind {
    pub name: &'static str,
    /// What it sends, in words.
    pub sends: &'static str,
    /// What it expects back.
    pub expects: &'static str,
    /// How many of its clients run at once.
    pub clients: usize,
    attempt: fn(&Config, &mut fastrand::Rng) -> Outcome,
}
// ANCHOR_END: kind

/// Every kind of client, in the order of the report.
pub static KINDS: &[Kind] = &[
    Kind {
        name: "well-behaved",
        sends: "curl's request for /, with Connection: close",
        expects: "hello.html, or a 503 with Retry-After",
        clients: 4,
        attempt: well_behaved,
    },
    Kind {
        name: "silent",
        sends: "nothing",
        expects: "408 within the time for a head",
        clients: 16,
        attempt: silent,
    },
    Kind {
        name: "trickling",
        sends: "a head, one byte every 500 ms, never ending",
        expects: "408 within the time for a head",
        clients: 16,
        attempt: trickling,
    },
    Kind {
        name: "garbage",
        sends: "up to 512 random bytes, then a blank line",
        expects: "400, 405, 414, 431, 501 or 505 (or 503 when busy)",
        clients: 2,
        attempt: garbage,
    },
    Kind {
        name: "mutated",
        sends: "curl's request with one to four random bytes changed",
        expects: "a whole answer, whatever its status",
        clients: 2,
        attempt: mutated,
    },
    Kind {
        name: "oversized",
        sends: "a request line of 10 KiB, or a header of 10 KiB",
        expects: "414, or 431 (or 503 when busy)",
        clients: 1,
        attempt: oversized,
    },
    Kind {
        name: "escaping",
        sends: "paths out of pages/: .., %2e%2e, %2f, \\, NUL, C:, //, .git",
        expects: "404 or 400, never a file (or 503 when busy)",
        clients: 1,
        attempt: escaping,
    },
    Kind {
        name: "body",
        sends: "a PUT of 1 MiB",
        expects: "405, and no reset (or 503 when busy)",
        clients: 1,
        attempt: body,
    },
    Kind {
        name: "panicking",
        sends: "GET /panic",
        expects: "500 (or 503 when busy)",
        clients: 1,
        attempt: panicking,
    },
    Kind {
        name: "resetting",
        sends: "curl's request for /, then a reset at once",
        expects: "nothing: the server carries on",
        clients: 2,
        attempt: resetting,
    },
    Kind {
        name: "hanging up",
        sends: "half a head, then the end of its sending half",
        expects: "the connection closed, with or without a 400 (or 503 when busy)",
        clients: 2,
        attempt: hanging_up,
    },
];

/// The status code of an answer that the server sent whole and closed, or
/// kept open: `200` for `HTTP/1.1 200 OK`.
fn status(answer: &Answer) -> Option<u16> {
    check::whole_answer(answer.complete()?)?;
    status_line(answer)
}

/// A head-only status: for answers to `HEAD`, whose body is not sent.
fn status_line(answer: &Answer) -> Option<u16> {
    let bytes = answer.complete()?;
    let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&bytes[..line_end]).ok()?;
    line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// `Expected` if the answer is whole and its status one of `wanted`.
fn expect(answer: &Answer, wanted: &[u16]) -> Outcome {
    match status(answer) {
        Some(code) if wanted.contains(&code) => Outcome::Expected(code.to_string()),
        Some(code) => Outcome::Other(code.to_string()),
        None => Outcome::Other(short(answer)),
    }
}

/// What went wrong with an answer that is not whole, in a few words.
fn short(answer: &Answer) -> String {
    match answer {
        Answer::Closed(bytes) if bytes.is_empty() => "closed, no answer".into(),
        Answer::Closed(_) => "closed, answer cut short".into(),
        Answer::Reset(_) => "reset".into(),
        Answer::StillOpen(_) => "no answer in time".into(),
        Answer::CannotConnect(_) => "cannot connect".into(),
        Answer::Failed(_) => "failed".into(),
        Answer::Kept(_) => "kept open, answer cut short".into(),
    }
}

fn closing(path: &str) -> Vec<u8> {
    curl_request(path)
        .replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
        .into_bytes()
}

fn well_behaved(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    let answer = exchange(config.addr, &closing("/"), TIMEOUT);
    match status(&answer) {
        Some(200) if answer.is(&check::page_response("HTTP/1.1 200 OK", check::HELLO_HTML)) => {
            Outcome::Expected("200".into())
        }
        Some(503) if answer.complete().is_some_and(check::claims::is_busy_answer) => {
            Outcome::Expected("503".into())
        }
        Some(code) => Outcome::Other(code.to_string()),
        None => Outcome::Other(short(&answer)),
    }
}

fn silent(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    let Ok(mut stream) = TcpStream::connect(config.addr) else {
        return Outcome::Other("cannot connect".into());
    };
    let answer = check::wait_for_answer(&mut stream, config.head_time + TIMEOUT);
    expect(&answer, &[408])
}

fn trickling(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    let interval = Duration::from_millis(500);
    let (answer, _) = check::trickle(config.addr, interval, config.head_time + TIMEOUT);
    expect(&answer, &[408])
}

/// The statuses of a head that the parser refuses; or `503`, when every
/// worker is busy and the queue is full.
const REFUSALS: [u16; 7] = [400, 405, 414, 431, 501, 505, 503];

fn garbage(config: &Config, rng: &mut fastrand::Rng) -> Outcome {
    let length = rng.usize(1..=512);
    let mut bytes: Vec<u8> = (0..length).map(|_| rng.u8(..)).collect();
    bytes.extend_from_slice(b"\r\n\r\n");
    expect(&exchange(config.addr, &bytes, TIMEOUT), &REFUSALS)
}

fn mutated(config: &Config, rng: &mut fastrand::Rng) -> Outcome {
    let mut bytes = closing("/");
    // Not the blank line at the end: the head must still end.
    let head = bytes.len() - 4;
    for _ in 0..rng.usize(1..=4) {
        bytes[rng.usize(..head)] = rng.u8(..);
    }
    let answer = exchange(config.addr, &bytes, TIMEOUT);
    // A `HEAD` (one byte away from `GET`, then some) has no body.
    match status(&answer).or_else(|| status_line(&answer)) {
        Some(code) => Outcome::Expected(code.to_string()),
        None => Outcome::Other(short(&answer)),
    }
}

fn oversized(config: &Config, rng: &mut fastrand::Rng) -> Outcome {
    if rng.bool() {
        let target = format!("/{}", "a".repeat(10 * 1024));
        expect(
            &exchange(config.addr, &closing(&target), TIMEOUT),
            &[414, 503],
        )
    } else {
        let request = String::from_utf8(closing("/")).unwrap().replacen(
            "\r\n\r\n",
            &format!("\r\nX-Big: {}\r\n\r\n", "b".repeat(10 * 1024)),
            1,
        );
        expect(
            &exchange(config.addr, request.as_bytes(), TIMEOUT),
            &[431, 503],
        )
    }
}

/// Targets that try to leave `pages/`, the folder the server serves.
const ESCAPES: [&str; 12] = [
    "/../Cargo.toml",
    "/%2e%2e/Cargo.toml",
    "/%2E%2E%2FCargo.toml",
    "/..%2fCargo.toml",
    "/pages/../../Cargo.toml",
    "/..\\Cargo.toml",
    "/%00",
    "/about.html%00.txt",
    "/C:/Windows/win.ini",
    "//etc/passwd",
    "/.git/config",
    "/%2e/hello.html",
];

fn escaping(config: &Config, rng: &mut fastrand::Rng) -> Outcome {
    let target = ESCAPES[rng.usize(..ESCAPES.len())];
    let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    expect(
        &exchange(config.addr, request.as_bytes(), TIMEOUT),
        &[404, 400, 503],
    )
}

// ANCHOR: body
fn body(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    let length = 1024 * 1024;
    let mut request =
        format!("PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n\r\n")
            .into_bytes();
    request.resize(request.len() + length, b'x');
    expect(&exchange(config.addr, &request, TIMEOUT), &[405, 503])
}
// ANCHOR_END: body

fn panicking(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    expect(
        &exchange(config.addr, &closing("/panic"), TIMEOUT),
        &[500, 503],
    )
}

fn resetting(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    match send_and_reset(config.addr, &closing("/")) {
        Ok(()) => Outcome::Expected("sent, then reset".into()),
        Err(_) => Outcome::Other("cannot connect".into()),
    }
}

fn hanging_up(config: &Config, _: &mut fastrand::Rng) -> Outcome {
    let half = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag";
    let answer = send_and_hang_up(config.addr, half, config.head_time + TIMEOUT);
    match &answer {
        Answer::Closed(bytes) if bytes.is_empty() => Outcome::Expected("closed".into()),
        _ => expect(&answer, &[400, 503]),
    }
}

/// What the clients of one kind tried, and got.
#[derive(Default)]
struct Tally {
    tried: usize,
    expected: usize,
    /// How often each outcome came: `200`, `reset`…
    got: BTreeMap<String, usize>,
}

/// The report of a run.
pub struct Report {
    pub config: Config,
    /// For each kind, in the order of [`KINDS`]: tried, as expected, and
    /// what each got.
    tallies: Vec<Tally>,
    /// How long four requests for `/sleep` side by side took afterwards,
    /// the slowest; `None` if one failed.
    pub side_by_side: Option<Duration>,
}

impl Report {
    /// How many attempts, of any kind, got something else than expected.
    pub fn others(&self) -> usize {
        self.tallies.iter().map(|t| t.tried - t.expected).sum()
    }

    /// How many attempts there were in all.
    pub fn tried(&self) -> usize {
        self.tallies.iter().map(|t| t.tried).sum()
    }

    /// How many attempts of the kind named `name` got something else than
    /// expected.
    pub fn others_of(&self, name: &str) -> usize {
        KINDS
            .iter()
            .zip(&self.tallies)
            .find(|(kind, _)| kind.name == name)
            .map_or(0, |(_, t)| t.tried - t.expected)
    }

    /// How many well-behaved requests got no whole answer: lost.
    pub fn lost(&self) -> usize {
        self.tallies[0].tried - self.tallies[0].expected
    }

    /// Whether four sleeps ran side by side at the end: every worker alive.
    pub fn workers_alive(&self) -> bool {
        all_alive(&self.config, self.side_by_side)
    }

    /// Whether all went as expected.
    pub fn passed(&self) -> bool {
        self.others() == 0 && self.workers_alive()
    }

    /// The report as a table, for a terminal and for the book.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "kind           clients    tried  expected  other  what they got"
        );
        let _ = writeln!(
            text,
            "-------------  -------  -------  --------  -----  -------------"
        );
        for (kind, tally) in KINDS.iter().zip(&self.tallies) {
            let got = tally
                .got
                .iter()
                .map(|(what, count)| format!("{what} × {count}"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                text,
                "{:<13}  {:>7}  {:>7}  {:>8}  {:>5}  {got}",
                kind.name,
                kind.clients,
                tally.tried,
                tally.expected,
                tally.tried - tally.expected
            );
        }
        let _ = writeln!(
            text,
            "\n{} attempts in all, {} of them not as expected; {} well-behaved requests lost.",
            self.tried(),
            self.others(),
            self.lost()
        );
        let _ = writeln!(
            text,
            "Afterwards, {}",
            side_by_side_in_words(&self.config, self.side_by_side)
        );
        text
    }

    /// What each kind sends and expects, as a list: two lines each.
    pub fn legend() -> String {
        let mut text = String::new();
        for kind in KINDS {
            let _ = writeln!(text, "{:<13}  sends {}", kind.name, kind.sends);
            let _ = writeln!(text, "{:<13}  expects {}", "", kind.expects);
        }
        text
    }
}

/// Runs every kind of client against `config.addr` for `config.duration`,
/// each client one attempt after another; `progress` hears of each attempt.
/// Then four requests for `/sleep` side by side.
pub fn run(config: &Config, progress: impl Fn(usize) + Sync) -> Report {
    let tallies: Vec<Mutex<Tally>> = KINDS.iter().map(|_| Mutex::default()).collect();
    let attempts = AtomicUsize::new(0);
    let until = Instant::now() + config.duration;
    thread::scope(|scope| {
        for (index, kind) in KINDS.iter().enumerate() {
            for client in 0..kind.clients {
                let (tallies, attempts, progress) = (&tallies, &attempts, &progress);
                scope.spawn(move || {
                    let mut rng = fastrand::Rng::with_seed((index * 1000 + client) as u64);
                    while Instant::now() < until {
                        let outcome = (kind.attempt)(config, &mut rng);
                        let mut tally = tallies[index].lock().unwrap();
                        tally.tried += 1;
                        let what = match outcome {
                            Outcome::Expected(what) => {
                                tally.expected += 1;
                                what
                            }
                            Outcome::Other(what) => format!("{what} (!)"),
                        };
                        *tally.got.entry(what).or_default() += 1;
                        drop(tally);
                        progress(attempts.fetch_add(1, Ordering::Relaxed) + 1);
                    }
                });
            }
        }
    });
    Report {
        config: config.clone(),
        tallies: tallies
            .into_iter()
            .map(|t| t.into_inner().unwrap())
            .collect(),
        side_by_side: side_by_side(config),
    }
}

/// Whether four requests for `/sleep` at once, the slowest of which `took`
/// this long, ran side by side: less than 9/5 of a sleep, where two sleeps
/// one after the other take two.
pub fn all_alive(config: &Config, took: Option<Duration>) -> bool {
    took.is_some_and(|took| took < config.sleep * 9 / 5)
}

/// What four requests for `/sleep` at once, the slowest of which `took`
/// this long, say of the workers, as a sentence without its capital.
pub fn side_by_side_in_words(config: &Config, took: Option<Duration>) -> String {
    match took {
        Some(took) => format!(
            "four requests for /sleep side by side: the slowest took {:.2} s{}.",
            took.as_secs_f64(),
            if all_alive(config, Some(took)) {
                " (every worker alive)"
            } else {
                ", longer than 9/5 of a sleep: a worker is missing"
            }
        ),
        None => "four requests for /sleep side by side: one got no page.".to_string(),
    }
}

/// How long four requests for `/sleep` at once took, the slowest; `None`
/// if one of them got no page.
pub fn side_by_side(config: &Config) -> Option<Duration> {
    let started = Instant::now();
    let sleeps: Vec<_> = (0..4)
        .map(|_| {
            let addr = config.addr;
            thread::spawn(move || {
                let answer = exchange(addr, &closing("/sleep"), TIMEOUT * 2);
                (status(&answer) == Some(200)).then(|| started.elapsed())
            })
        })
        .collect();
    sleeps
        .into_iter()
        .map(|sleep| sleep.join().ok().flatten())
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .max()
}
