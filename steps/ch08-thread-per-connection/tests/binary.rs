//! Chapter 8: `cargo run -p ch08-thread-per-connection` still serves `/` on
//! 127.0.0.1:7878, and the first limit it runs into ends it.

use testkit::{Binary, HELLO_HTML, assert_bytes, get, on_own_loopback, page_response};

const SERVER: &str = env!("CARGO_BIN_EXE_ch08-thread-per-connection");

#[test]
fn serves_hello_html() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);
        assert_bytes(
            &get(server.addr(), "/"),
            &page_response("HTTP/1.1 200 OK", HELLO_HTML),
        );
    });
}

/// Every open connection holds a file descriptor. Once the process has as
/// many as its limit allows, `accept` fails, and its `unwrap` ends the server
/// on the main thread. (The limit is often 1,024; this test sets 64.)
#[cfg(unix)]
#[test]
fn running_out_of_open_files_ends_the_server() {
    on_own_loopback(|| {
        let mut server = Binary::start_with_open_file_limit(SERVER, 64);
        // Idle clients, each keeping its connection (and its thread) open;
        // once the server has ended, the next connection is refused.
        let idle: Vec<_> = (0..100)
            .map_while(|_| std::net::TcpStream::connect(server.addr()).ok())
            .collect();
        assert!(idle.len() > 32, "only {} connections", idle.len());
        let (status, stderr) = server.wait_for_exit();
        assert!(!status.success(), "the server should have stopped");
        assert!(
            stderr.contains("Too many open files"),
            "unexpected stderr: {stderr}"
        );
    });
}
