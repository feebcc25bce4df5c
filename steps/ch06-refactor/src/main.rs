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
    let request_line = reader.lines().next().unwrap().unwrap();

    // ANCHOR: match
    // Decide what differs: the status line and the file to send.
    let (status_line, file_name) = match request_line.as_str() {
        "GET / HTTP/1.1" => ("HTTP/1.1 200 OK", "hello.html"),
        _ => ("HTTP/1.1 404 Not Found", "404.html"),
    };
    // ANCHOR_END: match

    // ANCHOR: respond
    // Everything else is the same for every answer.
    let body = fs::read_to_string(file_name).unwrap();
    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).unwrap();
    // ANCHOR_END: respond
}
// ANCHOR_END: handle_connection
// ANCHOR_END: all

#[cfg(test)]
mod tests;
