//! Exercise 13: a connection that waits costs chapter 26's echo server
//! some twelve kibibytes: its future holds an array of four, and two
//! buffers of four each wait for bytes. Make it cost less than two. From
//! `steps/`: `cargo test -p ex13-light-connections`.
//!
//! The `goal_…` test fails until a waiting connection is light; the
//! `still_…` test passes from the start and guards the echo. The solution,
//! `ex13-light-connections-solution`, runs this very file.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

/// The server this file tests: the starting point or the solution,
/// whichever crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex13-light-connections"),
    option_env!("CARGO_BIN_EXE_ex13-light-connections-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("no server to test"),
};

/// How many connections the goal opens: many, for a figure per connection
/// that the rest of the process does not blur, and few enough for a
/// limit of 1,024 open files.
const CONNECTIONS: usize = 800;

/// What the goal allows a waiting connection: its socket, its task and a
/// little more, where the starting point needs some twelve kibibytes.
const MOST_BYTES: u64 = 2 * 1024;

/// The server's resident memory grows by less than [`MOST_BYTES`] for
/// each connection that has had its line echoed and waits for the next.
#[test]
fn goal_1_a_waiting_connection_costs_less_than_two_kibibytes() {
    let server = loadgen::Server::start_quiet(SERVER, &[]).expect("cannot start the server");
    let peak = || loadgen::usage_of(server.pid()).peak_kib;
    // One connection first: what the server needs once, not per connection.
    let mut open = vec![echoed(&server)];
    let before = peak();
    open.extend((1..CONNECTIONS).map(|_| echoed(&server)));
    let after = peak();
    let per_connection = (after - before) * 1024 / (CONNECTIONS as u64 - 1);
    eprintln!("{per_connection} bytes for each waiting connection");
    assert!(
        per_connection < MOST_BYTES,
        "each waiting connection costs {per_connection} bytes; at most {MOST_BYTES} bytes are \
         the goal"
    );
    drop(open);
}

/// A connection whose line came back, left open: it waits for the next.
fn echoed(server: &loadgen::Server) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).expect("cannot connect");
    stream
        .write_all(b"a line of sixty-four bytes, as loadgen sends them, more or less\n")
        .unwrap();
    let mut line = String::new();
    BufReader::new(&stream)
        .read_line(&mut line)
        .expect("no echo");
    assert_eq!(line.len(), 64, "{line:?}");
    stream
}

/// The echo of chapter 22: every client gets every line back, with work
/// on each line and without, and a line that is too long is refused.
#[test]
fn still_echoes_every_line_to_many_clients() {
    loadgen::smoke(SERVER).unwrap();
}
