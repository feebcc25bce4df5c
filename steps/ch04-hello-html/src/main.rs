// ANCHOR: all
// ANCHOR: use
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
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

    let mut request = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap();
        if line.is_empty() {
            break;
        }
        request.push(line);
    }
    println!("{request:#?}");

    // ANCHOR: respond
    // The file is read from the folder the server was started in.
    let body = fs::read_to_string("hello.html").unwrap();
    // `Content-Length` counts bytes, and `len` returns bytes, not characters.
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).unwrap();
    // ANCHOR_END: respond
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all

#[cfg(test)]
mod tests;
