// ANCHOR: all
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    println!("Listening on http://{}", listener.local_addr().unwrap());

    for stream in listener.incoming() {
        let stream = stream.unwrap();
        handle_connection(stream);
    }
}

// ANCHOR: handle_connection
fn handle_connection(mut stream: TcpStream) {
    let reader = BufReader::new(&stream);
    // ANCHOR: request_line
    // Only the first line matters to us: method, path and protocol version.
    let request_line = reader.lines().next().unwrap().unwrap();
    // ANCHOR_END: request_line

    // ANCHOR: branches
    if request_line == "GET / HTTP/1.1" {
        let body = fs::read_to_string("hello.html").unwrap();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
    } else {
        // ANCHOR: not_found
        let body = fs::read_to_string("404.html").unwrap();
        let response = format!(
            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
        // ANCHOR_END: not_found
    }
    // ANCHOR_END: branches
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all

#[cfg(test)]
mod tests;
