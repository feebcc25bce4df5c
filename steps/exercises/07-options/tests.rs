//! Exercise 7: `OPTIONS` asks which methods the server answers; the answer
//! is `204 No Content` with an `Allow` header, and the `Allow` of a `405` or
//! a `501` names `OPTIONS` too. From `steps/`: `cargo test -p ex7-options`.
//!
//! The tests run the server as `cargo run -p ex7-options` does, and stop
//! it with Ctrl-C (SIGINT).
//!
//! The `goal_…` tests fail until the change is there; make them pass in
//! order (`cargo test -p ex7-options goal_1` runs the first one only).
//! The `still_…` tests pass from the start: they guard what must not break.
//! The solution, `ex7-options-solution`, runs this very file.
#![cfg(unix)]

use check::{Target, claims};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use testkit::{Binary, TIMEOUT, on_own_loopback};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex7-options"),
    option_env!("CARGO_BIN_EXE_ex7-options-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex7-options"),
};

/// Sends `head` and a blank line; the answer, read to its end.
fn ask(addr: SocketAddr, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream
        .write_all(format!("{head}\r\n\r\n").as_bytes())
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).unwrap()
}

/// The value of the header `name` in `answer`, if it has one.
fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next().unwrap_or("");
    head.lines().skip(1).find_map(|line| {
        let (n, value) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(value.trim())
    })
}

/// The methods that the `Allow` header of `answer` names, sorted.
fn allowed(answer: &str) -> Vec<&str> {
    let mut methods: Vec<_> = header(answer, "allow")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|method| !method.is_empty())
        .collect();
    methods.sort_unstable();
    methods
}

fn run(test: impl FnOnce(SocketAddr)) {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        test(server.addr());
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
    });
}

#[test]
fn goal_1_options_gets_204_with_allow_and_no_content() {
    run(|addr| {
        for target in ["/", "*"] {
            let answer = ask(addr, &format!("OPTIONS {target} HTTP/1.1\r\nHost: a"));
            assert_eq!(
                answer.lines().next(),
                Some("HTTP/1.1 204 No Content"),
                "OPTIONS {target}: {answer:?}"
            );
            assert_eq!(allowed(&answer), ["GET", "HEAD", "OPTIONS"], "{answer:?}");
            assert!(
                header(&answer, "date").is_some(),
                "a 204 has a Date too: {answer:?}"
            );
            assert!(
                header(&answer, "content-length").is_none(),
                "a 204 has no Content-Length (RFC 9110, section 8.6): {answer:?}"
            );
            assert!(
                answer.ends_with("\r\n\r\n"),
                "a 204 has no body: {answer:?}"
            );
        }
    });
}

#[test]
fn goal_2_the_allow_of_405_and_501_names_options_too() {
    run(|addr| {
        let answer = ask(addr, "DELETE / HTTP/1.1\r\nHost: a");
        assert_eq!(
            answer.lines().next(),
            Some("HTTP/1.1 405 Method Not Allowed")
        );
        assert_eq!(allowed(&answer), ["GET", "HEAD", "OPTIONS"], "{answer:?}");
        let answer = ask(addr, "BREW / HTTP/1.1\r\nHost: a");
        assert_eq!(answer.lines().next(), Some("HTTP/1.1 501 Not Implemented"));
        assert_eq!(allowed(&answer), ["GET", "HEAD", "OPTIONS"], "{answer:?}");
    });
}

/// `GET` and `HEAD` are answered as in chapter 16, with a type and a date.
#[test]
fn still_get_and_head_are_answered() {
    run(|addr| {
        claims::TYPE_AND_DATE.assert_holds(&Target::new(addr));
        claims::HEAD_GETS_NO_BODY.assert_holds(&Target::new(addr));
    });
}

/// What breaks the grammar still gets `400`, and `POST` still gets `405`.
#[test]
fn still_malformed_heads_get_400_and_post_405() {
    run(|addr| {
        claims::MALFORMED_GETS_400.assert_holds(&Target::new(addr));
        let answer = ask(addr, "POST / HTTP/1.1\r\nHost: a");
        assert_eq!(
            answer.lines().next(),
            Some("HTTP/1.1 405 Method Not Allowed")
        );
    });
}
