//! Chapter 1: `cargo run -p ch01-listen` listens on 127.0.0.1:7878, reports
//! every connection, and closes it without answering.

use std::net::TcpStream;
use testkit::{Binary, assert_no_answer, on_own_loopback};

#[test]
fn reports_each_connection_and_answers_nothing() {
    on_own_loopback(|| {
        let server = Binary::start(env!("CARGO_BIN_EXE_ch01-listen"));

        // A bare connection, without a request, is enough to be reported.
        let _silent = TcpStream::connect(server.addr()).unwrap();
        server.expect_line("Connection established!");

        // A real request gets no answer: the server just closes the connection.
        assert_no_answer(server.addr());
        server.expect_line("Connection established!");
    });
}
