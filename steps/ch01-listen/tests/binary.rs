//! Chapter 1: `cargo run -p ch01-listen` listens on 127.0.0.1:7878, reports
//! every connection, and closes it without answering.

use std::net::TcpStream;
use testkit::{Binary, assert_no_answer, check_binary, on_own_loopback};

const SERVER: &str = env!("CARGO_BIN_EXE_ch01-listen");

#[test]
fn reports_each_connection_and_answers_nothing() {
    on_own_loopback(|| {
        let server = Binary::start(SERVER);

        // A bare connection, without a request, is enough to be reported.
        let _silent = TcpStream::connect(server.addr()).unwrap();
        server.expect_line("Connection established!");

        // A real request gets no answer: the server just closes the connection.
        assert_no_answer(server.addr());
        server.expect_line("Connection established!");
    });
}

// What `cargo run -p check -- ch01` checks, against this step; and chapter
// 2's check, which this step fails where chapter 2 changes what it does.

#[test]
fn passes_chapter_1s_check() {
    check_binary(SERVER, 1, &[]);
}

#[test]
fn fails_chapter_2s_check_since_it_closes_before_the_request() {
    check_binary(SERVER, 2, &["waits-for-blank-line"]);
}
