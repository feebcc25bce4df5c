// ANCHOR: all
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

// ANCHOR: use
use ch11_b_ctrl_c::ThreadPool;
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
        println!("Ctrl-C: finishing the requests in progress.");
        flag.store(true, Ordering::SeqCst);
        // The main thread waits in `incoming` for the next connection. We
        // make one, so that it wakes up and sees the flag.
        let _ = TcpStream::connect(addr);
    })
    .expect("cannot install the Ctrl-C handler");
    // ANCHOR_END: ctrlc

    serve(listener, &stopping);
    println!("Goodbye.");
}

// ANCHOR: serve
/// Answers the connections that arrive on `listener` with a pool of four
/// threads, until `stopping` is set.
fn serve(listener: TcpListener, stopping: &AtomicBool) {
    let pool = ThreadPool::new(4);

    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = stream.unwrap();
        pool.execute(|| {
            handle_connection(stream);
        });
    }

    // Close the port first: from now on, new clients are turned away at once
    // instead of waiting in the queue of a server that is going away.
    drop(listener);
} // Then `pool` is dropped: its `Drop` waits for the requests in progress.
// ANCHOR_END: serve
// ANCHOR_END: main

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
fn handle_connection(mut stream: TcpStream) {
    let reader = BufReader::new(&stream);
    let request_line = reader.lines().next().unwrap().unwrap();

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

    let body = fs::read_to_string(file_name).unwrap();
    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).unwrap();
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all

#[cfg(test)]
mod tests;
