//! Chapter 27: what waits costs no thread. Five hundred open connections
//! that wait for their next request, and eight requests for `/sleep` (four
//! at the workers, four in the queue), and the server runs as many
//! threads as it did before them: a thread for each core, and `main`'s.
#![cfg(target_os = "linux")]

use std::fs;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;
use testkit::{Binary, on_own_loopback, one_answer};

const SERVER: &str = env!("CARGO_BIN_EXE_ch27-tokio-web");

/// How many threads the process `pid` runs now.
fn threads(pid: u32) -> usize {
    fs::read_dir(format!("/proc/{pid}/task"))
        .expect("cannot read /proc/<pid>/task")
        .count()
}

#[test]
fn waiting_costs_no_thread() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        let addr: SocketAddr = server.addr();
        let before = threads(server.pid());
        let mut open = Vec::new();
        for number in 1..=500 {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            let answer = one_answer(&mut stream);
            assert!(
                answer.is_some_and(|a| a.starts_with("HTTP/1.1 200 OK\r\n")),
                "connection {number}"
            );
            open.push(stream);
        }
        let mut sleeps: Vec<TcpStream> = (0..8)
            .map(|_| {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream
                    .write_all(
                        b"GET /sleep HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    )
                    .unwrap();
                stream
            })
            .collect();
        thread::sleep(Duration::from_secs(1));
        let during = threads(server.pid());
        // A thread per connection would run 508 more; a pool, its workers.
        assert!(
            during <= before + 2,
            "{before} threads before, {during} with 500 open connections and 8 sleeps"
        );
        // In turn, four at a time: the last after two sleeps.
        for (number, sleep) in (1..).zip(&mut sleeps) {
            let answer = one_answer(sleep);
            assert!(
                answer.is_some_and(|a| a.starts_with("HTTP/1.1 200 OK\r\n")),
                "sleep {number}"
            );
        }
        drop(open);
    });
}
