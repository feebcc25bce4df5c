// ANCHOR: all
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

// ANCHOR: use
use ch13_b_panics::ThreadPool;
// ANCHOR_END: use

// ANCHOR: main
fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    let addr = listener.local_addr().unwrap();
    println!("Listening on http://{addr}");

    // ANCHOR: ctrlc
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
    // ANCHOR_END: ctrlc

    serve(listener, &stopping);
    println!("Goodbye.");
}
// ANCHOR_END: main

// ANCHOR: serve
/// Answers the connections that arrive on `listener` with a pool of four
/// threads, until `stopping` is set.
fn serve(listener: TcpListener, stopping: &AtomicBool) {
    let pool = ThreadPool::new(4);

    for stream in listener.incoming() {
        let stream = stream.unwrap();
        // ANCHOR: execute
        pool.execute(|| {
            // A client that breaks off costs only its own connection.
            if let Err(e) = handle_connection(stream) {
                eprintln!("Request failed: {e}");
            }
        });
        // ANCHOR_END: execute
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
// ANCHOR_END: serve

// ANCHOR: sleep
/// How long a request for `/sleep` takes. The tests only need it to be much
/// slower than the other requests, and do not wait five seconds each time.
const SLEEP: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};
// ANCHOR_END: sleep

// ANCHOR: handle_connection
/// Answers one request. An error in reading or writing (a client that reset
/// the connection, or sent bytes that are not UTF-8) ends the connection, and
/// is handed back to the caller.
fn handle_connection(mut stream: TcpStream) -> io::Result<()> {
    let reader = BufReader::new(&stream);
    // ANCHOR: hang_up
    // A client may hang up without sending a line: our own wake-up
    // connection does, and so do the spare connections of browsers.
    let Some(request_line) = reader.lines().next() else {
        return Ok(());
    };
    // A line that is not UTF-8, or a reset connection, is an error.
    let request_line = request_line?;
    // ANCHOR_END: hang_up

    // ANCHOR: match
    let (status_line, file_name) = match request_line.as_str() {
        "GET / HTTP/1.1" => ("HTTP/1.1 200 OK", "hello.html"),
        "GET /sleep HTTP/1.1" => {
            // Stands in for slow work: a big query, a slow disk, another server.
            thread::sleep(SLEEP);
            ("HTTP/1.1 200 OK", "hello.html")
        }
        _ => ("HTTP/1.1 404 Not Found", "404.html"),
    };
    // ANCHOR_END: match

    // ANCHOR: write
    let body = fs::read_to_string(file_name)?;
    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes())?;
    Ok(())
    // ANCHOR_END: write
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all

#[cfg(test)]
mod tests;

#[cfg(test)]
mod flaw_tests;
