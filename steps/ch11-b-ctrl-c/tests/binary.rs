//! Chapter 11: a real Ctrl-C (SIGINT) stops `cargo run -p ch11-b-ctrl-c`
//! gracefully: no new connections, the request in progress gets its full
//! answer, and the process exits with status 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use testkit::{Binary, HELLO_HTML, TIMEOUT, assert_bytes, page_response};

#[test]
fn sigint_lets_the_request_in_progress_finish() {
    let mut server = Binary::start(env!("CARGO_BIN_EXE_ch11-b-ctrl-c"));

    // A slow client: connected, accepted, a worker waits for its request.
    let mut client = TcpStream::connect(server.addr()).unwrap();
    client.set_read_timeout(Some(TIMEOUT)).unwrap();
    server.wait_for_line(|line| line.ends_with(": running a job."));

    server.signal("INT");
    server.wait_for_line(|line| line.starts_with("Ctrl-C"));

    // Only now does the client finish its request, and it is still answered in full.
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut response = Vec::new();
    client.read_to_end(&mut response).unwrap();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));

    let (status, stderr) = server.wait_for_exit();
    assert!(status.success(), "exit status {status}, stderr: {stderr}");
    let output = server.rest_of_output();
    assert_eq!(output.last().map(String::as_str), Some("Goodbye."));
    for id in 0..4 {
        assert!(output.contains(&format!("Shutting down worker {id}")));
    }
}

#[test]
fn sigint_turns_new_clients_away() {
    let mut server = Binary::start(env!("CARGO_BIN_EXE_ch11-b-ctrl-c"));
    // Keep a worker busy so that the process is still there after Ctrl-C.
    let _client = TcpStream::connect(server.addr()).unwrap();
    server.wait_for_line(|line| line.ends_with(": running a job."));

    server.signal("INT");
    server.wait_for_line(|line| line.starts_with("Ctrl-C"));
    // The port closes right after the handler ran; connecting fails from then on.
    let deadline = std::time::Instant::now() + TIMEOUT;
    while TcpStream::connect(server.addr()).is_ok() {
        assert!(std::time::Instant::now() < deadline, "the port stayed open");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server.assert_running();
}
