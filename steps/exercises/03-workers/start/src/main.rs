//! Exercise 3: the size of the pool from the command line or the environment
//! (see "Exercises for Part II" in the book).
//!
//! This is the server of chapter 11. Make `cargo test -p ex3-workers` pass,
//! one `goal_…` test after the other; the tests are in `../tests.rs`.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use ch11_b_ctrl_c::ThreadPool;

fn main() {
    // TODO: take the number of workers from `--workers N` or, without it,
    // from the environment variable `WORKERS`; 4 if neither is there.
    // Refuse 0 and anything that is not a number, with a clear message,
    // before the server starts. Then hand the number to `serve`.

    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    let addr = listener.local_addr().unwrap();
    println!("Listening on http://{addr}");

    let stopping = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopping);
    ctrlc::set_handler(move || {
        // `swap` sets the flag and tells us whether it was set already.
        if flag.swap(true, Ordering::SeqCst) {
            println!("Stopping at once.");
            // 130 = 128 + 2, the number of SIGINT: what shells report for a
            // program that Ctrl-C ended.
            std::process::exit(130);
        }
        println!("Stopping: finishing the requests in progress (Ctrl-C again stops at once).");
        // The main thread waits in `incoming` for the next connection. We
        // make one, so that it wakes up and sees the flag.
        let _ = TcpStream::connect(addr);
    })
    .expect("cannot install the Ctrl-C handler");

    serve(listener, &stopping);
    println!("Goodbye.");
}

/// Answers the connections that arrive on `listener` with a pool of four
/// threads, until `stopping` is set.
fn serve(listener: TcpListener, stopping: &AtomicBool) {
    let pool = ThreadPool::new(4);

    for stream in listener.incoming() {
        let stream = stream.unwrap();
        pool.execute(|| {
            handle_connection(stream);
        });
        // Checked after the connection is handed to the pool, not before:
        // whoever we accepted gets an answer, even a client that came just
        // after Ctrl-C, before our own wake-up connection.
        if stopping.load(Ordering::SeqCst) {
            break;
        }
    }

    // Close the port first: from now on, new clients are turned away at once
    // instead of waiting in the queue of a server that is going away.
    // Without this line, `pool` would be dropped first (locals are dropped
    // in reverse order), and the port would stay open while it waits.
    drop(listener);
} // Then `pool` is dropped: its `Drop` waits for the requests in progress.

/// How long a request for `/sleep` takes. The tests only need it to be much
/// slower than the other requests, and do not wait five seconds each time.
const SLEEP: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};

fn handle_connection(mut stream: TcpStream) {
    let reader = BufReader::new(&stream);
    // A client may hang up without sending a line: our own wake-up
    // connection does, and so do the spare connections of browsers.
    let Some(request_line) = reader.lines().next() else {
        return;
    };
    let request_line = request_line.unwrap();

    let (status_line, file_name) = match request_line.as_str() {
        "GET / HTTP/1.1" => ("HTTP/1.1 200 OK", "hello.html"),
        "GET /sleep HTTP/1.1" => {
            // Stands in for slow work: a big query, a slow disk, another server.
            thread::sleep(SLEEP);
            ("HTTP/1.1 200 OK", "hello.html")
        }
        _ => ("HTTP/1.1 404 Not Found", "404.html"),
    };

    let body = fs::read_to_string(file_name).unwrap();
    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).unwrap();
}
