// ANCHOR: all
// ANCHOR: use
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
// ANCHOR_END: use

// ANCHOR: main
fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    println!("Listening on http://{}", listener.local_addr().unwrap());

    for stream in listener.incoming() {
        let stream = stream.unwrap();
        handle_connection(stream);
    }
}
// ANCHOR_END: main

// ANCHOR: handle_connection
fn handle_connection(stream: TcpStream) {
    // Read the bytes in large chunks, but hand them out line by line.
    let reader = BufReader::new(&stream);

    let mut request = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap();
        // An empty line ends the request head.
        if line.is_empty() {
            break;
        }
        request.push(line);
    }

    println!("{request:#?}");
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all

#[cfg(test)]
mod tests;
