//! Exercise 12: a worker gives up writing an answer to a client that reads
//! nothing for five seconds, which frees it for the next request; it says
//! so on stderr, and the counts count it, `Stalled:`. From `steps/`:
//! `cargo test -p ex12-write-timeout`.
//!
//! The tests run the server as `cargo run -p ex12-write-timeout` does, but
//! from a folder of their own, whose `pages/` holds one big file, `big.bin`,
//! of 64 MiB: far more than the system's buffers hold, so that writing it to
//! a client that reads nothing waits. Its other pages are those of `steps/`.
//!
//! The `goal_…` tests fail until the time limit is there; make them pass in
//! order (`cargo test -p ex12-write-timeout goal_1` runs the first one
//! only). The `still_…` tests pass from the start: they guard what must not
//! break. The solution, `ex12-write-timeout-solution`, runs this very file.
#![cfg(target_os = "linux")]

use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use testkit::{Binary, HELLO_HTML, check_binary, curl_request, get, on_own_loopback, steps_dir};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex12-write-timeout"),
    option_env!("CARGO_BIN_EXE_ex12-write-timeout-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex12-write-timeout"),
};

/// The size of `big.bin`: the kernel's buffers on loopback take a few
/// mebibytes of an answer before a write waits.
const BIG: u64 = 64 * 1024 * 1024;

/// How long the tests wait for a worker that a client which reads nothing
/// held. The limit is five seconds for each write, and a worker may wait
/// for it two or three times over (see the exercise), so this is three
/// times that, and a wide margin.
const PATIENCE: Duration = Duration::from_secs(30);

/// A folder to run the server from, as `cargo run` runs it from `steps/`:
/// links to the pages of `steps/`, and a folder `pages/` with `big.bin`
/// alone in it. Removed when dropped.
struct Site(PathBuf);

impl Site {
    fn new() -> Site {
        static SITES: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ex12-site-{}-{}",
            std::process::id(),
            SITES.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(dir.join("pages")).expect("cannot make the site's folders");
        for entry in fs::read_dir(steps_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path
                .extension()
                .is_some_and(|extension| extension == "html")
            {
                std::os::unix::fs::symlink(&path, dir.join(path.file_name().unwrap()))
                    .expect("cannot link a page");
            }
        }
        // A file with a hole: 64 MiB of zeros, without a byte on the disk.
        File::create(dir.join("pages/big.bin"))
            .and_then(|file| file.set_len(BIG))
            .expect("cannot make big.bin");
        Site(dir)
    }

    /// The server, running from this folder.
    fn start(&self) -> Binary {
        Binary::start_with(SERVER, |command| {
            command.current_dir(&self.0);
        })
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `count` clients that ask for `/big.bin` and never read a byte of it.
/// They stay connected while the result lives.
fn readers_of_nothing(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    let clients = (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).expect("cannot connect");
            stream
                .write_all(curl_request("/big.bin").as_bytes())
                .expect("cannot send the request");
            stream
        })
        .collect();
    // Long enough for each worker to fill the buffers, and wait.
    thread::sleep(Duration::from_secs(1));
    clients
}

/// Sends `GET /` on a new connection and reads its answer, for `patience`
/// at most; `None` if no whole answer came by then.
fn get_within(addr: SocketAddr, patience: Duration) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).expect("cannot connect");
    stream.set_read_timeout(Some(patience)).unwrap();
    stream
        .write_all(curl_request("/").as_bytes())
        .expect("cannot send the request");
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    while !answer.ends_with(HELLO_HTML.as_bytes()) {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
    }
    Some(answer)
}

/// The lines of the log file at `log` that start with `start`, waiting for
/// at least `count` of them for `patience` at most.
fn wait_for_log_lines(log: &Path, start: &str, count: usize, patience: Duration) -> Vec<String> {
    let deadline = Instant::now() + patience;
    loop {
        let lines: Vec<String> = fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.starts_with(start))
            .map(str::to_string)
            .collect();
        if lines.len() >= count || Instant::now() >= deadline {
            return lines;
        }
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn goal_1_a_client_that_reads_nothing_lets_its_worker_go() {
    on_own_loopback(|| {
        let site = Site::new();
        let server = site.start();
        // One for each worker.
        let _clients = readers_of_nothing(server.addr(), 4);
        let asked = Instant::now();
        let answer = get_within(server.addr(), PATIENCE);
        let took = asked.elapsed();
        let answer = answer.unwrap_or_else(|| {
            panic!(
                "GET / got no answer within {took:?}, while four clients that asked for \
                 /big.bin (64 MiB) read nothing of it: each of them holds a worker, in a \
                 write that waits for room in the buffers, for as long as it stays connected"
            )
        });
        assert!(
            answer.starts_with(b"HTTP/1.1 200 OK\r\n"),
            "GET / got, after {took:?}: {}",
            String::from_utf8_lossy(&answer)
        );
    });
}

#[test]
fn goal_2_it_says_so_and_counts_them() {
    on_own_loopback(|| {
        let site = Site::new();
        let mut server = site.start();
        let clients = readers_of_nothing(server.addr(), 2);
        // Each answer has its log line once its write has given up.
        let logged = wait_for_log_lines(server.log(), "GET /big.bin ", 2, PATIENCE);
        // Clients that hang up at last: a worker that still waits in a
        // write learns it now, and stops waiting.
        for client in clients {
            testkit::reset(client);
        }
        thread::sleep(Duration::from_millis(500));
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        let output = server.rest_of_output();
        let shown = output.join("\n");
        let said = stderr
            .lines()
            .filter(|line| *line == "Gave up writing: the client read nothing for 5s.")
            .count();
        assert_eq!(
            said, 2,
            "two clients read nothing of /big.bin: stderr should have the line \
             \"Gave up writing: the client read nothing for 5s.\" for each, and it has:\n\
             {stderr}\n(the log lines of their answers: {logged:?})"
        );
        assert!(
            !stderr.contains("Request failed"),
            "a write that gave up is not \"Request failed: …\"; stderr:\n{stderr}"
        );
        let stalled = output.iter().find(|line| line.starts_with("Stalled:"));
        assert_eq!(
            stalled.map(String::as_str),
            Some("Stalled:   2"),
            "the counts should end in \"Stalled:   2\" (padded to eleven characters, as \
             \"Accepted:  \"); the server printed:\n{shown}"
        );
        let [.., before, last] = &output[..] else {
            panic!("the server printed too little:\n{shown}")
        };
        assert_eq!(
            (before.as_str(), last.as_str()),
            ("Stalled:   2", "Goodbye."),
            "\"Stalled:\" comes after the other counts, just before \"Goodbye.\":\n{shown}"
        );
    });
}

#[test]
fn goal_3_a_server_that_nobody_stalled_says_0() {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        get(server.addr(), "/");
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
        let output = server.rest_of_output();
        assert!(
            output.iter().any(|line| line == "Stalled:   0"),
            "the counts should have \"Stalled:   0\"; the server printed:\n{}",
            output.join("\n")
        );
    });
}

/// A client that reads, though it pauses for longer than the system's
/// buffers last, gets every byte: the limit is on a wait for room, not on
/// the whole answer.
#[test]
fn still_a_client_that_pauses_gets_the_whole_file() {
    on_own_loopback(|| {
        let site = Site::new();
        let server = site.start();
        let mut stream = TcpStream::connect(server.addr()).expect("cannot connect");
        stream
            .write_all(curl_request("/big.bin").as_bytes())
            .expect("cannot send the request");
        thread::sleep(Duration::from_secs(2));
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream
                .read_exact(&mut byte)
                .expect("the head of the answer did not come");
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(
            head.starts_with("HTTP/1.1 200 OK\r\n")
                && head.contains(&format!("Content-Length: {BIG}\r\n")),
            "{head}"
        );
        let mut body = vec![0; BIG as usize];
        match stream.read_exact(&mut body) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                panic!("the server closed the connection before the end of /big.bin")
            }
            Err(e) => panic!("reading /big.bin failed: {e}"),
        }
    });
}

/// Chapter 21's claims still hold: chapter 20's log and counts among them.
#[test]
fn still_it_passes_chapter_21s_check() {
    check_binary(SERVER, 21, &[]);
}
