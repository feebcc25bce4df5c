//! Exercise 2: serve the files of a folder (see "Exercises for Part I" in the book).
//!
//! This is the server of chapter 6. Make `cargo test -p ex2-pages` pass,
//! one `goal_…` test after the other; the tests are in `../tests.rs`.

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

fn handle_connection(mut stream: TcpStream) {
    let reader = BufReader::new(&stream);
    let request_line = reader.lines().next().unwrap().unwrap();

    // TODO: answer `GET /<name> HTTP/1.1` with the file `pages/<name>`, byte
    // for byte, if there is one; and with the 404 page for any name that
    // would lead out of `pages/`.

    let (status_line, file_name) = match request_line.as_str() {
        "GET / HTTP/1.1" => ("HTTP/1.1 200 OK", "hello.html"),
        _ => ("HTTP/1.1 404 Not Found", "404.html"),
    };

    let body = fs::read_to_string(file_name).unwrap();
    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).unwrap();
}

// The tests of the exercise: one file, shared with the solution.
#[cfg(test)]
#[path = "../../tests.rs"]
mod tests;
