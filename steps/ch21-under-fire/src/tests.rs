//! Chapter 21: chapter 20's tests, and those of the three fixes. (That it
//! logs a line for each answer, `check` checks against the binary: see
//! `tests/binary.rs`.)

use super::{HEAD_TIME, IDLE_TIME, Log, MAX_WAIT, QUEUE, SLEEP, WORKERS, listen, serve};
use check::Target;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use testkit::{Pending, enter_steps_dir, one_answer, spawn_server, start_get};

/// The target that `check` sees: `/sleep`, the time for a head and the
/// idle time all take a second here.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr)
        .sleep(SLEEP)
        .head_time(HEAD_TIME)
        .idle_time(IDLE_TIME)
}

/// A server on an ephemeral port that the test stops.
struct Server {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    thread: JoinHandle<Arc<Log>>,
}

impl Server {
    fn start() -> Server {
        enter_steps_dir();
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        Server::on(listener, Arc::new(AtomicBool::new(false)))
    }

    fn on(listener: TcpListener, stopping: Arc<AtomicBool>) -> Server {
        let addr = listener.local_addr().unwrap();
        let flag = Arc::clone(&stopping);
        let thread = thread::spawn(move || serve(listener, &flag));
        Server {
            addr,
            stopping,
            thread,
        }
    }

    /// What the Ctrl-C handler of `main` does: sets the flag, and wakes the
    /// main thread up with a connection.
    fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }

    /// Stops the server, and waits until `serve` returns its log.
    fn stop_and_wait(self) -> Arc<Log> {
        self.stop();
        self.thread.join().expect("serve panicked")
    }
}

// ANCHOR: counts
/// Each kind of answer is counted once, in its own counter: served,
/// rejected (`503`), timed out (`408`), panicked (`500`).
#[test]
fn counts_each_answer_once_by_its_kind() {
    let server = Server::start();
    let get = |path: &str| {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream
    };
    // Served: two pages, and a 404.
    for path in ["/", "/", "/nothing-here"] {
        assert!(one_answer(&mut get(path)).is_some_and(|a| a.starts_with("HTTP/1.1 ")));
    }
    // Panicked: answered 500.
    let answer = one_answer(&mut get("/panic")).expect("no answer to /panic");
    assert!(
        answer.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
        "{answer}"
    );
    // Timed out: a client that sends nothing.
    let mut silent = TcpStream::connect(server.addr).unwrap();
    // Rejected: every worker sleeps, the queue is full, and one more comes.
    let mut waiting: Vec<TcpStream> = (0..WORKERS).map(|_| get("/sleep")).collect();
    thread::sleep(SLEEP / 5);
    waiting.extend((0..QUEUE).map(|_| get("/")));
    thread::sleep(SLEEP / 5);
    let answer = one_answer(&mut get("/")).expect("no answer to the request too many");
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer}");
    for (i, stream) in waiting.iter_mut().enumerate() {
        let answer = one_answer(stream);
        assert!(
            answer.is_some_and(|a| a.starts_with("HTTP/1.1 200 OK\r\n")),
            "request {i}"
        );
    }
    let answer = one_answer(&mut silent).expect("no answer to the silent client");
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");

    let log = server.stop_and_wait();
    let count = |counter: &AtomicUsize| counter.load(Ordering::SeqCst);
    // Three pages, `/panic`, the silent client, the sleeps, the queue, the
    // request too many; and the connection that wakes the server up when
    // it stops.
    let connections = 3 + 1 + 1 + WORKERS + QUEUE + 1 + 1;
    assert_eq!(count(&log.accepted), connections, "accepted");
    assert_eq!(count(&log.served), 3 + WORKERS + QUEUE, "served");
    assert_eq!(count(&log.rejected), 1, "rejected");
    assert_eq!(count(&log.timed_out), 1, "timed out");
    assert_eq!(count(&log.panicked), 1, "panicked");
}
// ANCHOR_END: counts

// ANCHOR: printed
/// The counts, as `main` prints them when the server stops.
#[test]
fn prints_its_counts_one_per_line() {
    let log = Log::default();
    log.accepted();
    log.accepted.fetch_add(26, Ordering::SeqCst);
    log.served.fetch_add(22, Ordering::SeqCst);
    log.rejected.fetch_add(5, Ordering::SeqCst);
    log.timed_out.fetch_add(1, Ordering::SeqCst);
    assert_eq!(
        log.to_string(),
        "Accepted:  27\nServed:    22\nRejected:  5\nTimed out: 1\nPanicked:  0\n"
    );
    let counts = check::log::Counts::parse(&log.to_string()).expect("check cannot read them");
    assert_eq!(
        (counts.accepted, counts.served, counts.timed_out),
        (27, 22, 1)
    );
}
// ANCHOR_END: printed

#[test]
fn passes_chapter_21s_check_claim_after_claim() {
    let addr = spawn_server(|listener| {
        serve(listener, &Arc::new(AtomicBool::new(false)));
    });
    let chapter = check::Chapter::parse("ch21").unwrap();
    let report = check::run(chapter, &target(addr));
    assert!(report.passed(), "{}", report.render());
}

// ANCHOR: listen_queue
/// Chapter 21: the listen queue holds hundreds of connections that nobody
/// has accepted yet; `TcpListener::bind`'s holds 129, and the next client's
/// handshake goes unanswered for a second.
#[test]
fn holds_hundreds_of_connections_in_its_listen_queue() {
    let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    // Nobody accepts: each connection stays in the queue.
    let mut waiting = Vec::new();
    for i in 0..600 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(stream) => waiting.push(stream),
            Err(e) => panic!(
                "connection {} was not taken into the queue: {e} \
                 (the system caps it at /proc/sys/net/core/somaxconn)",
                i + 1
            ),
        }
    }
}
// ANCHOR_END: listen_queue

// ANCHOR: stays_full
/// Chapter 21: a request that finds every worker busy for longer than a
/// moment waits [`MAX_WAIT`] at the reader, then gets its `503`: not at
/// once, and not after the sleeps.
#[test]
fn turns_away_after_waiting_a_moment_when_the_pool_stays_full() {
    let server = Server::start();
    let mut waiting: Vec<Pending> = (0..WORKERS)
        .map(|_| start_get(server.addr, "/sleep"))
        .collect();
    thread::sleep(SLEEP / 10);
    waiting.extend((0..QUEUE).map(|_| start_get(server.addr, "/")));
    thread::sleep(SLEEP / 10);
    let (answer, took) = start_get(server.addr, "/").wait();
    assert!(answer.starts_with(b"HTTP/1.1 503 "), "{answer:?}");
    assert!(
        took >= MAX_WAIT && took < SLEEP,
        "the 503 came after {took:?}; it should wait {MAX_WAIT:?}, and not until the sleeps end"
    );
    for request in waiting {
        assert!(request.wait().0.starts_with(b"HTTP/1.1 200 OK\r\n"));
    }
    server.stop_and_wait();
}
// ANCHOR_END: stays_full
