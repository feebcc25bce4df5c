//! What the tests of every step crate share.
//!
//! The tests prove what each chapter claims, over real sockets on loopback:
//!
//! * [`serve`] and [`serve_one`] run a step's `handle_connection` on an
//!   ephemeral port (`127.0.0.1:0`), so many tests run at once;
//! * [`send`] and [`get`] play the client, with a timeout, so a server that
//!   never answers makes a test fail instead of hang;
//! * [`Binary`] runs a step exactly as a reader does with `cargo run -p …`,
//!   listening on `127.0.0.1:7878`; [`on_own_loopback`] gives each such test
//!   a loopback interface of its own, so that they run in parallel and pass
//!   while another program holds port 7878;
//! * [`check_binary`] runs a chapter's claims, the ones `cargo run -p check`
//!   checks for readers, against a step's binary;
//! * [`HELLO_HTML`] and [`NOT_FOUND_HTML`] pin the pages the book shows (they
//!   live in `check`), and [`transcript`] keeps the terminal output the book
//!   shows in step with the code.

pub mod web_results;

use std::fs::{self, File};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Once, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// One copy of what the book's servers send, in `check`, where the reader's
// check needs it too.
pub use check::{
    BOOK_ADDR, BUSY_HTML, HELLO_HTML, NOT_FOUND_HTML, TIMEOUT, busy_response, curl_request,
    page_response,
};

/// The folder that holds the workspace, `hello.html` and `404.html`.
pub fn steps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives inside steps/")
        .to_path_buf()
}

/// Makes `steps/` the working directory of this test process.
///
/// Readers run every step from `steps/` (`cargo run -p …`), where the servers
/// find `hello.html`. Every test sets the same directory, so doing it from
/// parallel tests is harmless.
pub fn enter_steps_dir() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_current_dir(steps_dir()).expect("cannot enter steps/");
    });
}

/// Runs `handler` for every connection to a fresh ephemeral port, one
/// connection after the other, as the single-threaded server of Part I does.
pub fn serve(handler: fn(TcpStream)) -> SocketAddr {
    enter_steps_dir();
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind an ephemeral port");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            handler(stream.expect("accept failed"));
        }
    });
    addr
}

/// Runs a step's `serve` function on a fresh ephemeral port, in the
/// background, as its `main` does on port 7878.
pub fn spawn_server<F>(serve: F) -> SocketAddr
where
    F: FnOnce(TcpListener) + Send + 'static,
{
    enter_steps_dir();
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind an ephemeral port");
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || serve(listener));
    addr
}

/// A request that was sent and whose response is being awaited on another thread.
pub struct Pending {
    sent: Instant,
    reader: JoinHandle<(Vec<u8>, Instant)>,
}

impl Pending {
    /// Waits for the complete response; returns it and how long it took.
    pub fn wait(self) -> (Vec<u8>, Duration) {
        let (response, done) = self.reader.join().expect("the client thread failed");
        (response, done - self.sent)
    }
}

/// Connects and sends `GET {path}` now, on this thread, so that requests
/// started one after the other reach the server in that order; the response
/// is read in the background.
pub fn start_get(addr: SocketAddr, path: &str) -> Pending {
    let mut stream = TcpStream::connect(addr).expect("cannot connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let sent = Instant::now();
    stream
        .write_all(curl_request(path).as_bytes())
        .expect("cannot send the request");
    let reader = thread::spawn(move || {
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .unwrap_or_else(|e| panic!("no complete response within {TIMEOUT:?}: {e}"));
        (response, Instant::now())
    });
    Pending { sent, reader }
}

/// The experiment of Part II: sends `sleeping` requests for `/sleep`, then
/// one for `/`, in that order, and returns how long `/` took to be answered.
/// Checks that every answer is the complete hello.html page.
pub fn time_root_behind_sleeps(addr: SocketAddr, sleeping: usize) -> Duration {
    let slow: Vec<_> = (0..sleeping).map(|_| start_get(addr, "/sleep")).collect();
    let (response, took) = start_get(addr, "/").wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    for request in slow {
        let (response, _) = request.wait();
        assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    }
    took
}

/// Runs `handler` for exactly one connection; the handle tells whether it panicked.
pub fn serve_one(handler: fn(TcpStream)) -> (SocketAddr, JoinHandle<()>) {
    enter_steps_dir();
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind an ephemeral port");
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept failed");
        handler(stream);
    });
    (addr, handle)
}

/// Reads one whole answer (by its `Content-Length`, chapter 18) from `stream`, and no more; `None` if the
/// connection ends first.
pub fn one_answer(stream: &mut TcpStream) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut bytes = Vec::new();
    let mut byte = [0; 1];
    loop {
        if let Some((length, _)) = check::first_answer(&bytes, false) {
            assert_eq!(length, bytes.len());
            return Some(String::from_utf8(bytes).unwrap());
        }
        match stream.read(&mut byte) {
            Ok(1) => bytes.push(byte[0]),
            _ => return None,
        }
    }
}

/// Whether the server ends the connection (within ten seconds) without
/// sending anything more.
pub fn ends(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    matches!(stream.read(&mut [0; 1]), Ok(0))
}

/// Sends `request` as one write, then reads until the server closes the
/// connection, or has sent a whole answer and keeps the connection open
/// (chapter 18: see [`check::kept_whole`]).
///
/// Panics if the server does neither within [`TIMEOUT`], or resets the connection.
pub fn send(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    match try_send(addr, request) {
        Ok(response) => response,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            panic!("the server did not close the connection within {TIMEOUT:?}")
        }
        Err(e) => panic!("the exchange with the server failed: {e}"),
    }
}

/// Like [`send`], but hands back what went wrong instead of panicking.
pub fn try_send(addr: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.write_all(request)?;
    let head_only = request.starts_with(b"HEAD ");
    let mut response = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(response),
            Ok(n) => {
                response.extend_from_slice(&chunk[..n]);
                if check::kept_whole(&response, head_only) {
                    return Ok(response);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Asserts that the server closes the connection without a word: `curl`
/// then reports an empty reply or, depending on timing, a reset connection.
#[track_caller]
pub fn assert_no_answer(addr: SocketAddr) {
    match try_send(addr, curl_request("/").as_bytes()) {
        Ok(bytes) => assert!(bytes.is_empty(), "expected no answer, got {bytes:?}"),
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe),
            "expected an empty reply or a reset, got {e}"
        ),
    }
}

/// Sends `GET /` and asserts that not one byte of an answer, nor the end of
/// the connection, arrives within `patience`: the request waits, unserved.
#[track_caller]
pub fn assert_unanswered_for(addr: SocketAddr, patience: Duration) {
    let mut stream = TcpStream::connect(addr).expect("cannot connect");
    stream.set_read_timeout(Some(patience)).unwrap();
    stream
        .write_all(curl_request("/").as_bytes())
        .expect("cannot send the request");
    let mut byte = [0; 1];
    match stream.read(&mut byte) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        Ok(0) => panic!("the server closed the connection instead of leaving it waiting"),
        Ok(_) => panic!("the request was answered within {patience:?}"),
        Err(e) => panic!("reading failed: {e}"),
    }
}

/// Sends `bytes`, then hangs up its sending half, as a client that gives up
/// mid-request does, and reads whatever the server still sends.
pub fn send_and_hang_up(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("cannot connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.write_all(bytes).expect("cannot send");
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .expect("the server neither answered nor closed the connection");
    response
}

/// Sends `bytes`, then hangs up at once with a reset (`RST`) instead of the
/// usual goodbye (`FIN`), as a client does that gives up abruptly: a browser
/// tab that is closed, a load tool that stops. The server's next read or
/// write on that connection fails with "connection reset".
pub fn send_and_reset(addr: SocketAddr, bytes: &[u8]) {
    check::send_and_reset(addr, bytes).expect("cannot connect, send or reset");
}

/// Closes `stream` with a reset (`RST`) instead of the usual goodbye (`FIN`).
pub fn reset(stream: TcpStream) {
    check::reset(stream).expect("cannot set SO_LINGER");
}

/// What [`flood`] got back: for each client, what it read (or what went
/// wrong) and how long after its connection was made it had it all.
pub struct Flood {
    pub answers: Vec<(std::io::Result<Vec<u8>>, Duration)>,
}

impl Flood {
    /// How many clients got exactly `expected`.
    pub fn count(&self, expected: &str) -> usize {
        self.answers
            .iter()
            .filter(|(answer, _)| matches!(answer, Ok(bytes) if bytes == expected.as_bytes()))
            .count()
    }

    /// The clients that got neither of `expected`, described; empty if none.
    pub fn others(&self, expected: &[&str]) -> Vec<String> {
        self.answers
            .iter()
            .enumerate()
            .filter(|(_, (answer, _))| {
                !matches!(answer, Ok(bytes) if expected.iter().any(|e| bytes == e.as_bytes()))
            })
            .map(|(i, (answer, took))| match answer {
                Ok(bytes) => format!(
                    "client {i}, after {took:?}: {:?}",
                    String::from_utf8_lossy(bytes)
                ),
                Err(e) => format!("client {i}, after {took:?}: {e}"),
            })
            .collect()
    }

    /// The longest any client that got exactly `expected` waited for it.
    pub fn slowest(&self, expected: &str) -> Option<Duration> {
        self.answers
            .iter()
            .filter(|(answer, _)| matches!(answer, Ok(bytes) if bytes == expected.as_bytes()))
            .map(|(_, took)| *took)
            .max()
    }
}

/// `clients` clients at once, each on a thread of its own: each connects,
/// sends `request`, and reads until the server closes the connection (for
/// at most [`TIMEOUT`]).
pub fn flood(addr: SocketAddr, clients: usize, request: &str) -> Flood {
    let request = request.to_string();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let request = request.clone();
            thread::spawn(move || {
                let mut stream = match TcpStream::connect(addr) {
                    Ok(stream) => stream,
                    Err(e) => return (Err(e), Duration::ZERO),
                };
                // Timed from here: a connect that the system had to retry,
                // after the listen queue overflowed, took a second longer,
                // and that is not the server's doing.
                let start = Instant::now();
                let answer = (|| {
                    stream.set_read_timeout(Some(TIMEOUT))?;
                    stream.write_all(request.as_bytes())?;
                    let mut response = Vec::new();
                    stream.read_to_end(&mut response)?;
                    Ok(response)
                })();
                (answer, start.elapsed())
            })
        })
        .collect();
    Flood {
        answers: threads
            .into_iter()
            .map(|thread| thread.join().expect("a client thread panicked"))
            .collect(),
    }
}

/// `count` connections that send nothing, and stay open while the result lives.
pub fn silent_clients(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|_| TcpStream::connect(addr).expect("cannot connect"))
        .collect()
}

/// What a process holds: open files (sockets included) and resident memory,
/// read from `/proc` (Linux).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessStats {
    pub open_files: usize,
    pub resident_kib: usize,
}

impl ProcessStats {
    /// The process `pid` now.
    pub fn of(pid: u32) -> ProcessStats {
        let open_files = fs::read_dir(format!("/proc/{pid}/fd"))
            .expect("cannot read /proc/<pid>/fd")
            .count();
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let resident_kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .expect("no VmRSS in /proc/<pid>/status");
        ProcessStats {
            open_files,
            resident_kib,
        }
    }

    /// Runs `work`, and reads the process `pid` every few milliseconds while
    /// it runs: the most open files and memory seen, and what `work` returned.
    pub fn peak_during<T>(pid: u32, work: impl FnOnce() -> T) -> (ProcessStats, T) {
        let (stop, stopped) = mpsc::channel::<()>();
        let sampler = thread::spawn(move || {
            let mut peak = ProcessStats::of(pid);
            while let Err(RecvTimeoutError::Timeout) =
                stopped.recv_timeout(Duration::from_millis(2))
            {
                let now = ProcessStats::of(pid);
                peak.open_files = peak.open_files.max(now.open_files);
                peak.resident_kib = peak.resident_kib.max(now.resident_kib);
            }
            peak
        });
        let result = work();
        drop(stop);
        (sampler.join().expect("the sampler panicked"), result)
    }
}

/// `curl http://{addr}{path}`: the response's bytes, exactly as received.
pub fn get(addr: SocketAddr, path: &str) -> Vec<u8> {
    send(addr, curl_request(path).as_bytes())
}

/// A response taken apart: for tests that check what it says, not the exact
/// bytes (the order of the header fields, say, is up to the server).
#[derive(Debug)]
pub struct Response {
    /// The first line, without its CRLF: `HTTP/1.1 200 OK`.
    pub status_line: String,
    /// The header fields, in the order they came, names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// Splits `bytes` at the blank line; panics, showing them, if they are
    /// not a status line and header fields that end in a blank line.
    #[track_caller]
    pub fn parse(bytes: &[u8]) -> Response {
        let shown = || String::from_utf8_lossy(bytes).into_owned();
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no blank line (CRLF CRLF) ends the head of {:?}", shown()));
        let head = std::str::from_utf8(&bytes[..end])
            .unwrap_or_else(|_| panic!("the head is not UTF-8: {:?}", shown()));
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default().to_string();
        let headers = lines
            .map(|line| {
                let (name, value) = line
                    .split_once(':')
                    .unwrap_or_else(|| panic!("{line:?} is not a header field `Name: value`"));
                (name.to_string(), value.trim().to_string())
            })
            .collect();
        Response {
            status_line,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    /// The value of the header field `name` (in any case); panics if it is
    /// missing or sent twice.
    #[track_caller]
    pub fn header(&self, name: &str) -> &str {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str());
        match (values.next(), values.next()) {
            (Some(value), None) => value,
            (None, _) => panic!("no {name} header field in {:?}", self.headers),
            (Some(_), Some(_)) => panic!("{name} is sent twice: {:?}", self.headers),
        }
    }

    /// The body as text.
    #[track_caller]
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("the body is not UTF-8")
    }
}

/// Asserts `response` is exactly `expected`, showing both as text when not.
#[track_caller]
pub fn assert_bytes(response: &[u8], expected: &str) {
    assert!(
        response == expected.as_bytes(),
        "response differs\n--- got ---\n{}\n--- expected ---\n{expected}",
        String::from_utf8_lossy(response)
    );
}

/// Compares `actual` with the transcript `transcripts/<name>.txt` of the
/// crate at `crate_dir`, which the book includes as terminal output.
///
/// Regenerate every transcript with `UPDATE_TRANSCRIPTS=1 cargo test` in `steps/`.
#[track_caller]
pub fn transcript(crate_dir: &str, name: &str, actual: &str) {
    check_transcript(crate_dir, name, actual, |shown, actual| shown == actual);
}

/// Asserts that `actual` is what the transcript `transcripts/<name>.txt` of
/// another step, at `crate_dir`, shows, without ever writing it: that step's
/// own tests write it. (Skipped while transcripts are being regenerated,
/// since the other step may be rewriting the file at that moment.)
#[track_caller]
pub fn same_as_transcript_of(crate_dir: &str, name: &str, actual: &str) {
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some() {
        return;
    }
    check_transcript(crate_dir, name, actual, |shown, actual| shown == actual);
}

/// Like [`transcript`] for output that varies between runs because threads
/// print side by side: the same lines must be there, in any order, and with
/// any numbers (which worker takes a job is up to the scheduler).
#[track_caller]
pub fn transcript_any_order(crate_dir: &str, name: &str, lines: &[String]) {
    let actual: String = lines.iter().map(|line| format!("{line}\n")).collect();
    check_transcript(crate_dir, name, &actual, |shown, actual| {
        let normalized = |text: &str| {
            let mut lines: Vec<String> = text.lines().map(mask_numbers).collect();
            lines.sort_unstable();
            lines
        };
        normalized(shown) == normalized(actual)
    });
}

/// Like [`transcript`] for answers with a `Date` header (chapter 16 on):
/// the book shows the date of the run that wrote the transcript, and any
/// date will do in the lines that start with `Date: `.
#[track_caller]
pub fn transcript_any_date(crate_dir: &str, name: &str, actual: &str) {
    check_transcript(crate_dir, name, actual, |shown, actual| {
        let masked = |text: &str| -> Vec<String> {
            text.lines()
                .map(|line| match line.strip_prefix("Date: ") {
                    Some(_) => "Date: …".to_string(),
                    None => line.to_string(),
                })
                .collect()
        };
        masked(shown) == masked(actual)
    });
}

/// Writes the transcript when `UPDATE_TRANSCRIPTS` is set; otherwise asserts
/// that what the book shows and what the code produces are `alike`.
#[track_caller]
fn check_transcript(crate_dir: &str, name: &str, actual: &str, alike: fn(&str, &str) -> bool) {
    let path = Path::new(crate_dir)
        .join("transcripts")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let shown = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        alike(&shown, actual),
        "{} is stale: the book shows\n{shown}\nbut the code produces\n{actual}\n\
         Regenerate it with `UPDATE_TRANSCRIPTS=1 cargo test` in steps/.",
        path.display()
    );
}

/// `line` with every run of digits replaced by `N`.
fn mask_numbers(line: &str) -> String {
    let mut masked = String::new();
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                masked.push('N');
            }
            in_number = true;
        } else {
            masked.push(c);
            in_number = false;
        }
    }
    masked
}

/// How curl -i shows a response: the bytes, with each CRLF shown as a line break.
pub fn as_curl_shows(response: &[u8]) -> String {
    String::from_utf8_lossy(response).replace("\r\n", "\n")
}

/// Runs `test`, a test that starts a step's binary with [`Binary::start`], on
/// a loopback interface of its own, so that it can listen on `127.0.0.1:7878`
/// exactly as the book shows, whatever else holds that port on this machine,
/// and in parallel with the other tests.
///
/// On Linux, the test re-runs itself (the same test binary, this one test) in
/// a new network namespace (`unshare --user --map-root-user --net`, then
/// `ip link set lo up`), where port 7878 is free. Where that is not possible
/// (another system, or user namespaces switched off), it runs here and now,
/// on the machine's own `127.0.0.1:7878`, one such test at a time, and
/// [`Binary::start`] says so clearly if the port is taken.
pub fn on_own_loopback(test: impl FnOnce()) {
    if std::env::var_os(INSIDE).is_some() || !namespaces_work() {
        return test();
    }
    let name = test_name();
    let output = in_own_namespace(&name, None)
        .wait_with_output()
        .expect("cannot run unshare");
    assert_ran_alone(&name, &output);
}

/// Like [`on_own_loopback`] for `count` runs of `test`, all at once, each on
/// a loopback interface of its own: `test` gets the number of its run,
/// `0..count`. Where there are no namespaces, the runs take turns.
pub fn on_own_loopback_each(count: usize, test: impl Fn(usize)) {
    if let Some(part) = std::env::var_os(PART) {
        let part = part.to_str().and_then(|part| part.parse().ok());
        return test(part.expect("TESTKIT_PART is a number"));
    }
    if !namespaces_work() {
        return (0..count).for_each(test);
    }
    let name = test_name();
    let children: Vec<Child> = (0..count)
        .map(|part| in_own_namespace(&name, Some(part)))
        .collect();
    for (part, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().expect("cannot run unshare");
        assert_ran_alone(&format!("{name}, run {part}"), &output);
    }
}

fn test_name() -> String {
    thread::current()
        .name()
        .expect("libtest names the thread after the test")
        .to_string()
}

/// Starts this test binary again, for the test `name` only, in a network
/// namespace of its own.
fn in_own_namespace(name: &str, part: Option<usize>) -> Child {
    let exe = std::env::current_exe().expect("cannot find the test binary");
    let mut command = command_on_own_loopback(&exe).expect("namespaces work");
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(part) = part {
        command.env(PART, part.to_string());
    }
    command.spawn().expect("cannot run unshare")
}

/// Asserts that the test `name` passed in its namespace, showing its output.
#[track_caller]
fn assert_ran_alone(name: &str, output: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Shown by libtest when this test fails.
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "`{name}` failed on its own loopback interface (its output is above)"
    );
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "`{name}` did not run on its own loopback interface (its output is above)"
    );
}

/// A command that runs `program` (with the arguments the caller adds) in a
/// network namespace of its own, with its loopback interface up, as
/// [`on_own_loopback`] runs a test; `None` where this system cannot make one.
///
/// A [`Binary`] started by that program listens on its own `127.0.0.1:7878`,
/// whatever holds the machine's, so several such programs run at once.
pub fn command_on_own_loopback(program: &Path) -> Option<Command> {
    if !namespaces_work() {
        return None;
    }
    let mut command = Command::new("unshare");
    command
        .args(["--user", "--map-root-user", "--net", "--", "sh", "-c"])
        .arg(r#"ip link set lo up && exec "$0" "$@""#)
        .arg(program)
        .env(INSIDE, "1");
    Some(command)
}

/// Runs the claims of chapter `chapter`, those that `cargo run -p check`
/// checks for readers, against the step's binary at `path`: each claim
/// against a copy of the binary of its own, all at once (the claims of
/// Part II wait for five-second sleeps). Asserts that exactly the claims
/// named in `failing` fail, and all others hold.
///
/// The claims that send the server a signal get its process id.
pub fn check_binary(path: &str, chapter: u8, failing: &[&str]) {
    check_binary_but(path, chapter, failing, &[]);
}

/// Like [`check_binary`], but the claims named in `either` may hold or
/// fail: a race that the server loses now and then, which the test shows
/// without betting on it (their outcome is printed all the same).
pub fn check_binary_but(path: &str, chapter: u8, failing: &[&str], either: &[&str]) {
    let claims = check::claims_for(chapter);
    assert!(!claims.is_empty(), "chapter {chapter} has no claims");
    for id in failing.iter().chain(either) {
        assert!(
            claims.iter().any(|claim| claim.id == *id),
            "chapter {chapter} has no claim called {id:?}"
        );
    }
    on_own_loopback_each(claims.len(), |part| {
        let claim = claims[part];
        let server = Binary::start(path);
        let target = check::Target::new(server.addr())
            .pid(server.pid())
            .log(server.log());
        let outcome = claim.check(&target);
        let shown = check::render_result(claim, &outcome);
        println!("{shown}");
        if either.contains(&claim.id) {
            assert!(outcome.is_pass() || outcome.is_fail(), "{shown}");
        } else if failing.contains(&claim.id) {
            assert!(
                outcome.is_fail(),
                "chapter {chapter}'s claim `{}` should fail against {path}:\n{shown}",
                claim.id
            );
        } else {
            assert!(
                outcome.is_pass(),
                "chapter {chapter}'s claim `{}` should hold against {path}:\n{shown}",
                claim.id
            );
        }
    });
}

/// Runs each of `claims`, the claims of a later chapter, against a step's
/// binary, each on a server of its own, and asserts that each fails: what
/// that chapter changes shows in this step's tests too.
pub fn check_binary_fails(path: &str, claims: &[&'static check::Claim]) {
    on_own_loopback_each(claims.len(), |part| {
        let claim = claims[part];
        let server = Binary::start(path);
        let target = check::Target::new(server.addr())
            .pid(server.pid())
            .log(server.log());
        let outcome = claim.check(&target);
        let shown = check::render_result(claim, &outcome);
        println!("{shown}");
        assert!(
            outcome.is_fail(),
            "the claim `{}` should fail against {path}:\n{shown}",
            claim.id
        );
    });
}

/// Set in the environment of a test that runs in a network namespace of its own.
const INSIDE: &str = "TESTKIT_OWN_LOOPBACK";

/// Set for one run of [`on_own_loopback_each`]: the number of that run.
const PART: &str = "TESTKIT_PART";

/// Whether this machine lets us make a network namespace with a loopback interface.
fn namespaces_work() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        cfg!(target_os = "linux")
            && Command::new("unshare")
                .args(["--user", "--map-root-user", "--net", "--"])
                .args(["sh", "-c", "ip link set lo up"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
    })
}

/// A step's binary running as `cargo run -p …` runs it: from `steps/`, on `127.0.0.1:7878`.
///
/// Start it inside [`on_own_loopback`]. It is killed when dropped.
pub struct Binary {
    child: Child,
    stdout: Receiver<String>,
    /// Reads the child's stderr to the end while it runs, so that a chatty
    /// child never blocks on a full pipe.
    stderr: Option<JoinHandle<String>>,
    /// A file that holds everything the child printed on stdout, as
    /// `cargo run > server.log` would (chapter 20's claims read it).
    log: PathBuf,
    _port_lock: Option<File>,
}

impl Binary {
    /// Starts the binary and waits until it says it is listening.
    pub fn start(path: &str) -> Binary {
        Binary::start_command(path, Command::new(path))
    }

    /// Like [`Binary::start`], with the arguments and environment that
    /// `configure` gives the command, as `WORKERS=2 cargo run -p … -- --workers 3` does,
    /// and its working directory, if `configure` gives it one (`steps/` if not).
    pub fn start_with(path: &str, configure: impl FnOnce(&mut Command)) -> Binary {
        let mut command = Command::new(path);
        configure(&mut command);
        Binary::start_command(path, command)
    }

    /// Like [`Binary::start`], with the process's limit of open files
    /// (`ulimit -n`) set to `limit`, as a system with a low limit has it.
    #[cfg(unix)]
    pub fn start_with_open_file_limit(path: &str, limit: u32) -> Binary {
        let mut command = Command::new("sh");
        command
            .args(["-c", r#"ulimit -n "$1" && exec "$0""#, path])
            .arg(limit.to_string());
        Binary::start_command(path, command)
    }

    fn start_command(path: &str, mut command: Command) -> Binary {
        let port_lock = if std::env::var_os(INSIDE).is_some() {
            None
        } else {
            // The machine's own port 7878: one test at a time, across processes.
            let lock_path = std::env::temp_dir().join("rust-webserver-tutorial-7878.lock");
            let port_lock = File::create(&lock_path).expect("cannot create the port lock file");
            port_lock.lock().expect("cannot lock the port lock file");
            if let Err(e) = TcpListener::bind(BOOK_ADDR) {
                panic!(
                    "{BOOK_ADDR} is busy ({e}), and this system cannot give the test a \
                     loopback interface of its own. Is a server from the book still running \
                     in another terminal? Stop it with Ctrl-C and run the tests again."
                );
            }
            Some(port_lock)
        };

        if command.get_current_dir().is_none() {
            command.current_dir(steps_dir());
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {path}: {e}"));

        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        static LOGS: AtomicUsize = AtomicUsize::new(0);
        let log = std::env::temp_dir().join(format!(
            "testkit-{}-{}.log",
            std::process::id(),
            LOGS.fetch_add(1, Ordering::Relaxed)
        ));
        let mut log_file = File::create(&log).expect("cannot create the server's log file");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Line by line, as the server's own stdout writes them.
                let _ = writeln!(log_file, "{line}");
                // The test may have stopped reading: the file goes on.
                let _ = sender.send(line);
            }
        });

        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr_pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        });
        let binary = Binary {
            child,
            stdout: receiver,
            stderr: Some(stderr),
            log,
            _port_lock: port_lock,
        };
        binary.expect_line(&format!("Listening on http://{BOOK_ADDR}"));
        binary
    }

    /// The file that holds what the process printed on stdout so far.
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// The process id, for sending it signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends the process a signal, as `kill -<signal> <pid>` does.
    #[cfg(unix)]
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("cannot run kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the next line the server prints that satisfies `wanted`,
    /// skipping the others; panics if none comes within [`TIMEOUT`].
    pub fn wait_for_line(&self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if wanted(&line) => return line,
                Ok(_) => continue,
                Err(_) => panic!("the expected line did not come within {TIMEOUT:?}"),
            }
        }
    }

    /// Every line the server printed that was not read yet, up to the end of
    /// its output (call once it exited).
    pub fn rest_of_output(&self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            match self.stdout.recv_timeout(TIMEOUT) {
                Ok(line) => lines.push(line),
                Err(RecvTimeoutError::Disconnected) => return lines,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the server's output did not end within {TIMEOUT:?}")
                }
            }
        }
    }

    /// The address a reader's browser or curl would use.
    pub fn addr(&self) -> SocketAddr {
        BOOK_ADDR.parse().unwrap()
    }

    /// The next line the server prints; panics if none comes within [`TIMEOUT`].
    pub fn next_line(&self) -> String {
        match self.stdout.recv_timeout(TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                panic!("the server printed nothing within {TIMEOUT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => panic!("the server's output ended"),
        }
    }

    /// Asserts that the next line the server prints is `expected`.
    #[track_caller]
    pub fn expect_line(&self, expected: &str) {
        assert_eq!(self.next_line(), expected);
    }

    /// Waits for the process to end by itself; returns its status and what it wrote to stderr.
    pub fn wait_for_exit(&mut self) -> (ExitStatus, String) {
        self.exit_within(TIMEOUT).unwrap_or_else(|| {
            panic!("the server was expected to exit but still runs after {TIMEOUT:?}")
        })
    }

    /// Like [`Binary::wait_for_exit`], for `patience` instead of [`TIMEOUT`];
    /// `None` if the process still runs after it.
    pub fn exit_within(&mut self, patience: Duration) -> Option<(ExitStatus, String)> {
        let deadline = Instant::now() + patience;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        };
        let stderr = match self.stderr.take() {
            Some(reader) => reader.join().unwrap_or_default(),
            None => String::new(),
        };
        Some((status, stderr))
    }

    /// Asserts the process is still running.
    #[track_caller]
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("the server exited ({status}) but should still run");
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_file(&self.log);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_html_is_the_page_the_book_shows() {
        let on_disk = fs::read_to_string(steps_dir().join("hello.html")).unwrap();
        assert_eq!(
            on_disk, HELLO_HTML,
            "steps/hello.html changed: update testkit::HELLO_HTML if you meant it"
        );
    }

    #[test]
    fn a_response_is_taken_apart_at_the_blank_line() {
        let response = Response::parse(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length:  3\r\n\r\nok\n",
        );
        assert_eq!(response.status_line, "HTTP/1.1 200 OK");
        assert_eq!(response.header("Content-Type"), "text/plain");
        assert_eq!(response.header("content-length"), "3");
        assert_eq!(response.text(), "ok\n");
        let bytes = Response::parse(b"HTTP/1.1 200 OK\r\n\r\n\xff\r\n\r\n");
        assert!(bytes.headers.is_empty());
        assert_eq!(bytes.body, b"\xff\r\n\r\n");
    }

    #[test]
    #[should_panic(expected = "sent twice")]
    fn a_header_sent_twice_is_an_error() {
        Response::parse(b"HTTP/1.1 200 OK\r\nA: 1\r\na: 2\r\n\r\n").header("A");
    }

    #[test]
    fn not_found_html_is_the_page_the_book_shows() {
        let on_disk = fs::read_to_string(steps_dir().join("404.html")).unwrap();
        assert_eq!(
            on_disk, NOT_FOUND_HTML,
            "steps/404.html changed: update testkit::NOT_FOUND_HTML if you meant it"
        );
    }
}
