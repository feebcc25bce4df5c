// ANCHOR: all
use std::net::TcpListener;

fn main() {
    // ANCHOR: bind
    // Ask the operating system for the port; this fails if it is taken.
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    println!("Listening on http://{}", listener.local_addr().unwrap());
    // ANCHOR_END: bind

    // ANCHOR: incoming
    for stream in listener.incoming() {
        let _stream = stream.unwrap();

        println!("Connection established!");
    } // `_stream` is dropped here, which closes the connection.
    // ANCHOR_END: incoming
}
// ANCHOR_END: all
