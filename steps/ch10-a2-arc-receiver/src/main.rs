// ANCHOR: all
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

// ANCHOR: use
use ch10_a2_arc_receiver::ThreadPool;
// ANCHOR_END: use

// ANCHOR: main
fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    println!("Listening on http://{}", listener.local_addr().unwrap());
    serve(listener);
}

// ANCHOR: serve
/// Answers the connections that arrive on `listener` with a pool of four threads.
fn serve(listener: TcpListener) {
    let pool = ThreadPool::new(4);

    for stream in listener.incoming() {
        let stream = stream.unwrap();
        pool.execute(|| {
            handle_connection(stream);
        });
    }
}
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
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).unwrap();
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all
