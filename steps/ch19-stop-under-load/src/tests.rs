//! Chapter 19: the server stops under load without losing a request. It
//! takes the listen queue before it closes its port, says `Connection:
//! close` once it stops, waits for the connections at the pool, and gives
//! the connections that have sent nothing a last call.

use super::{HEAD_TIME, IDLE_TIME, LAST_CALL, SLEEP, serve};
use check::{Target, claims};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use testkit::{ends, enter_steps_dir, one_answer, spawn_server};

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
    thread: JoinHandle<()>,
}

impl Server {
    fn start() -> Server {
        enter_steps_dir();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
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

    /// Waits until `serve` returns; how long that took.
    fn wait(self) -> Duration {
        let started = Instant::now();
        self.thread.join().expect("serve panicked");
        started.elapsed()
    }
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

// ANCHOR: listen_queue
/// Clients that connected before Ctrl-C, and that the server has not
/// accepted yet, wait in the listen queue: they get their answers too.
#[test]
fn answers_the_listen_queue_before_it_closes_its_port() {
    enter_steps_dir();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Twelve clients connect and send their request, fewer than the pool
    // takes at once (workers and queue); nobody accepts them yet.
    let mut clients: Vec<TcpStream> = (0..12)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(GET).unwrap();
            stream
        })
        .collect();
    // The server starts after Ctrl-C: it accepts one, sees the flag, stops.
    let server = Server::on(listener, Arc::new(AtomicBool::new(true)));
    for (i, client) in clients.iter_mut().enumerate() {
        let answer = one_answer(client);
        assert!(
            answer
                .as_ref()
                .is_some_and(|a| a.starts_with("HTTP/1.1 200 OK\r\n")),
            "client {i}: {answer:?}"
        );
    }
    server.wait();
}
// ANCHOR_END: listen_queue

// ANCHOR: says_close
/// The answer to a request in progress at Ctrl-C says that the connection
/// closes, and does; connections that have sent nothing get their last
/// call, not their idle time or the time of a head.
#[test]
fn says_close_and_gives_silent_connections_a_last_call() {
    let server = Server::start();
    let mut sleeping = TcpStream::connect(server.addr).unwrap();
    sleeping
        .write_all(b"GET /sleep HTTP/1.1\r\nHost: a\r\n\r\n")
        .unwrap();
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.write_all(GET).unwrap();
    one_answer(&mut idle).expect("no answer");
    let mut silent = TcpStream::connect(server.addr).unwrap();
    thread::sleep(SLEEP / 5);

    server.stop();
    let stopped = Instant::now();
    for (name, stream) in [("idle", &mut idle), ("silent", &mut silent)] {
        assert!(ends(stream), "the {name} connection got an answer");
        let after = stopped.elapsed();
        assert!(after < LAST_CALL * 3, "{name}: closed after {after:?}");
    }
    let answer = one_answer(&mut sleeping).expect("no answer to /sleep");
    assert!(answer.contains("\r\nConnection: close\r\n"), "{answer}");
    assert!(ends(&mut sleeping));
    let took = server.wait();
    assert!(took < SLEEP, "serve returned {took:?} after the sleep");
}
// ANCHOR_END: says_close

// ANCHOR: pipelined
/// A request that came behind the one in progress, on the same connection,
/// is answered too; its answer closes the connection.
#[test]
fn answers_a_pipelined_request_when_it_stops() {
    let server = Server::start();
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"GET /sleep HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .unwrap();
    thread::sleep(SLEEP / 5);
    server.stop();
    for path in ["/sleep", "/"] {
        let answer = one_answer(&mut stream);
        assert!(
            answer
                .as_ref()
                .is_some_and(|a| a.starts_with("HTTP/1.1 200 OK\r\n")),
            "{path}: {answer:?}"
        );
        let closes = answer.unwrap().contains("\r\nConnection: close\r\n");
        assert_eq!(closes, path == "/", "{path}");
    }
    assert!(ends(&mut stream));
    server.wait();
}
// ANCHOR_END: pipelined

// ANCHOR: loses_nothing
/// Twelve connections send request after request while the server stops:
/// each request gets its whole answer, and each connection ends after an
/// answer that says `Connection: close`.
#[test]
fn loses_no_request_when_it_stops_under_load() {
    let server = Server::start();
    let signalled = OnceLock::new();
    let seen = thread::scope(|scope| {
        let loops: Vec<_> = (0..claims::stop::LOOPS)
            .map(|_| scope.spawn(|| claims::stop::request_after_request(server.addr, &signalled)))
            .collect();
        thread::sleep(Duration::from_millis(300));
        signalled.set(Instant::now()).unwrap();
        server.stop();
        loops
            .into_iter()
            .map(|l| l.join().unwrap())
            .collect::<Vec<_>>()
    });
    for (i, seen) in seen.iter().enumerate() {
        assert!(seen.fault.is_none(), "connection {i}: {:?}", seen.fault);
        assert!(seen.answered > 0, "connection {i} got no answer");
    }
    assert!(
        seen.iter().filter(|s| s.ended_well).count() >= claims::stop::LOOPS / 2,
        "most connections should end with an answer after the signal"
    );
    server.wait();
}
// ANCHOR_END: loses_nothing

#[test]
fn passes_chapter_19s_check_claim_after_claim() {
    let addr = spawn_server(|listener| serve(listener, &Arc::new(AtomicBool::new(false))));
    let chapter = check::Chapter::parse("ch19").unwrap();
    let report = check::run(chapter, &target(addr));
    assert!(report.passed(), "{}", report.render());
}
