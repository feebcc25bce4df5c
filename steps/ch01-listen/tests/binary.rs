//! Chapter 1: `cargo run -p ch01-listen` listens on 127.0.0.1:7878, reports
//! every connection, and closes it without answering.

use std::io::ErrorKind;
use std::net::TcpStream;
use testkit::{Binary, curl_request, try_send};

#[test]
fn reports_each_connection_and_answers_nothing() {
    let server = Binary::start(env!("CARGO_BIN_EXE_ch01-listen"));

    // A bare connection, without a request, is enough to be reported.
    let _silent = TcpStream::connect(server.addr()).unwrap();
    server.expect_line("Connection established!");

    // A real request gets no answer: the server just closes the connection.
    // Depending on timing, the client sees an empty reply or a reset.
    match try_send(server.addr(), curl_request("/").as_bytes()) {
        Ok(bytes) => assert!(bytes.is_empty(), "expected no answer, got {bytes:?}"),
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe),
            "expected an empty reply or a reset, got {e}"
        ),
    }
    server.expect_line("Connection established!");
}
