//! Exercise 2, solved: the server of chapter 6 serves the files of
//! `steps/pages/`, and nothing outside it.

// ANCHOR: use
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path};
// ANCHOR_END: use

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
    let request_line = reader.lines().next().unwrap().unwrap();

    // Bytes, not a `String`: a file need not be text.
    let (status_line, body) = match request_line.as_str() {
        "GET / HTTP/1.1" => ("HTTP/1.1 200 OK", fs::read("hello.html").unwrap()),
        _ => match page(&request_line) {
            Some(body) => ("HTTP/1.1 200 OK", body),
            None => ("HTTP/1.1 404 Not Found", fs::read("404.html").unwrap()),
        },
    };

    let head = format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
}
// ANCHOR_END: handle_connection

// ANCHOR: page
/// The folder whose files the server serves, under their own name.
const PAGES: &str = "pages";

/// The file `pages/<name>` for the request line `GET /<name> HTTP/1.1`, if
/// `<name>` is the plain name of a file there.
fn page(request_line: &str) -> Option<Vec<u8>> {
    let name = request_line
        .strip_prefix("GET /")?
        .strip_suffix(" HTTP/1.1")?;
    // One plain name, nothing else: not `..`, which leads out of `pages/`,
    // not `.`, and not `/etc/passwd`, which `join` would take as it is.
    let mut components = Path::new(name).components();
    let (Some(Component::Normal(_)), None) = (components.next(), components.next()) else {
        return None;
    };
    // A name that is not there, or a folder, is an error here: a 404.
    fs::read(Path::new(PAGES).join(name)).ok()
}
// ANCHOR_END: page

// The tests of the exercise: one file, shared with the starting point.
#[cfg(test)]
#[path = "../../tests.rs"]
mod tests;
