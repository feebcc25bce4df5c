//! Chapter 27: the claims of Part III, in small (a second for `/sleep`,
//! for a head and for the idle time), against `serve` on Tokio; and what
//! counts. `tests/binary.rs` checks the binary as a reader runs it.

use super::{
    HEAD_TIME, IDLE_TIME, MAX_WAIT, QUEUE, SLEEP, Shared, WORKERS, connection, listen, serve,
};
use check::Target;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use testkit::{Pending, enter_steps_dir, one_answer, start_get};
use tokio_util::sync::CancellationToken;

/// The target that `check` sees.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr)
        .sleep(SLEEP)
        .head_time(HEAD_TIME)
        .idle_time(IDLE_TIME)
}

/// A server on an ephemeral port, on a runtime of its own, that the test stops.
struct Server {
    addr: SocketAddr,
    stop: CancellationToken,
    thread: JoinHandle<Arc<Shared>>,
    /// The server's runtime, for its metrics.
    runtime: tokio::runtime::Handle,
}

impl Server {
    fn start() -> Server {
        enter_steps_dir();
        let stop = CancellationToken::new();
        let token = stop.clone();
        let (sender, receiver) = mpsc::channel();
        let thread = thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(async move {
                    let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
                    let runtime = tokio::runtime::Handle::current();
                    sender
                        .send((listener.local_addr().unwrap(), runtime))
                        .unwrap();
                    serve(listener, token).await
                })
        });
        let (addr, runtime) = receiver.recv().expect("the server did not start");
        Server {
            addr,
            stop,
            thread,
            runtime,
        }
    }

    /// What the first signal does: stops the server gently; waits until
    /// `serve` returns.
    fn stop_and_wait(self) -> Arc<Shared> {
        self.stop.cancel();
        self.thread.join().expect("serve panicked")
    }
}

#[test]
fn passes_chapter_21s_check_claim_after_claim() {
    let server = Server::start();
    let chapter = check::Chapter::parse("ch21").unwrap();
    let report = check::run(chapter, &target(server.addr));
    assert!(report.passed(), "{}", report.render());
    server.stop_and_wait();
}

/// Chapter 27's claim that the work of a client that hangs up is dropped:
/// twenty sleeps whose clients reset leave room for four more at once.
#[test]
fn drops_the_work_of_a_client_that_hangs_up() {
    let server = Server::start();
    let claim = &check::claims::HANG_UP_DROPS_THE_WORK;
    let outcome = claim.check(&target(server.addr));
    assert!(
        outcome.is_pass(),
        "{}",
        check::render_result(claim, &outcome)
    );
    server.stop_and_wait();
}

/// The work of a client that hangs up ends with it, not only its worker:
/// once twenty clients have asked for `/sleep` and reset, no task of theirs
/// lives on, neither the connection's nor the handler's.
#[test]
fn a_hang_up_ends_the_handlers_task_too() {
    let server = Server::start();
    let leaving: Vec<TcpStream> = (0..WORKERS + QUEUE)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).unwrap();
            let request = "GET /sleep HTTP/1.1\r\nHost: a\r\n\r\n";
            stream.write_all(request.as_bytes()).unwrap();
            stream
        })
        .collect();
    thread::sleep(SLEEP / 5);
    let metrics = server.runtime.metrics();
    assert!(
        metrics.num_alive_tasks() >= WORKERS + QUEUE,
        "the work has not begun"
    );
    for stream in leaving {
        testkit::reset(stream);
    }
    let deadline = Instant::now() + SLEEP / 2;
    while metrics.num_alive_tasks() > 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        metrics.num_alive_tasks(),
        0,
        "tasks still alive {:?} after the resets",
        SLEEP / 2
    );
    server.stop_and_wait();
}

/// Each kind of answer is counted once, in its own counter.
#[test]
fn counts_each_answer_once_by_its_kind() {
    let server = Server::start();
    let get = |path: &str| {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream
    };
    for path in ["/", "/", "/nothing-here"] {
        assert!(one_answer(&mut get(path)).is_some_and(|a| a.starts_with("HTTP/1.1 ")));
    }
    let answer = one_answer(&mut get("/panic")).expect("no answer to /panic");
    assert!(
        answer.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
        "{answer}"
    );
    let mut silent = TcpStream::connect(server.addr).unwrap();
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

    let shared = server.stop_and_wait();
    let log = &shared.log;
    let count = |counter: &AtomicUsize| counter.load(Ordering::SeqCst);
    // Three pages, `/panic`, the silent client, the sleeps, the queue, the
    // request too many. (No connection wakes this server up to stop.)
    let connections = 3 + 1 + 1 + WORKERS + QUEUE + 1;
    assert_eq!(count(&log.accepted), connections, "accepted");
    assert_eq!(count(&log.served), 3 + WORKERS + QUEUE, "served");
    assert_eq!(count(&log.rejected), 1, "rejected");
    assert_eq!(count(&log.timed_out), 1, "timed out");
    assert_eq!(count(&log.panicked), 1, "panicked");
}

/// A request that finds every worker busy and the queue full waits
/// [`MAX_WAIT`] for room, then gets its `503`: not at once, and not after
/// the sleeps.
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

/// What a connection costs while it waits: its task's future, about two
/// kilobytes (the 1 KiB `chunk` of `read_head`, and what lives across its
/// `.await`s), where a thread would cost its stack and its place in the
/// kernel.
#[test]
fn a_connection_costs_a_few_kilobytes() {
    enter_steps_dir();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        let shared = Shared::new(CancellationToken::new());
        let task = connection(stream, &shared);
        let size = std::mem::size_of_val(&task);
        assert!((1024..3 * 1024).contains(&size), "{size} bytes");
    });
}
