//! Exercise 10: an answer after which the connection stays open tells the
//! client the limits, `Connection: keep-alive` and `Keep-Alive: timeout=5,
//! max=…`, the idle time and how many more requests the connection may
//! send. From `steps/`: `cargo test -p ex10-keep-alive-header`.
//!
//! The tests run the server as `cargo run -p ex10-keep-alive-header` does,
//! with the chapter's limits (five seconds of idle time, a hundred requests
//! on one connection), and stop it with Ctrl-C (SIGINT).
//!
//! The `goal_…` tests fail until the change is there; make them pass in
//! order (`cargo test -p ex10-keep-alive-header goal_1` runs the first one
//! only). The `still_…` tests pass from the start: they guard what must not
//! break. The solution, `ex10-keep-alive-header-solution`, runs this very
//! file.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::TcpStream;
use testkit::{
    Binary, Response, TIMEOUT, check_binary, curl_request, ends, on_own_loopback, one_answer,
};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex10-keep-alive-header"),
    option_env!("CARGO_BIN_EXE_ex10-keep-alive-header-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex10-keep-alive-header"),
};

/// The chapter's idle time, in seconds, and how many requests one
/// connection may send.
const IDLE_SECS: u64 = 5;
const MAX_REQUESTS: usize = 100;

/// Sends `requests` on `stream` in one write.
fn send(stream: &mut TcpStream, requests: &str) {
    stream
        .write_all(requests.as_bytes())
        .expect("cannot send the request");
}

/// Reads the next whole answer on `stream`, and no more.
#[track_caller]
fn next_answer(stream: &mut TcpStream, which: &str) -> Response {
    let answer = one_answer(stream)
        .unwrap_or_else(|| panic!("{which}: the connection ended before a whole answer"));
    Response::parse(answer.as_bytes())
}

/// The values of the header `name` in `answer`, every one of them.
fn headers<'a>(answer: &'a Response, name: &str) -> Vec<&'a str> {
    answer
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
        .collect()
}

/// The options that the `Connection` headers of `answer` name, in lower case.
fn connection_options(answer: &Response) -> Vec<String> {
    headers(answer, "Connection")
        .iter()
        .flat_map(|value| value.split(','))
        .map(|option| option.trim().to_ascii_lowercase())
        .filter(|option| !option.is_empty())
        .collect()
}

/// The parameters of the one `Keep-Alive` header of `answer`, as
/// `(name, value)` in lower case, sorted by name: in any order and spacing
/// that the server sends them. `None` if it has no `Keep-Alive`.
fn keep_alive(answer: &Response) -> Option<Vec<(String, String)>> {
    let values = headers(answer, "Keep-Alive");
    let [value] = values[..] else {
        assert!(values.is_empty(), "Keep-Alive is sent twice: {values:?}");
        return None;
    };
    let mut parameters: Vec<_> = value
        .split(',')
        .filter(|parameter| !parameter.trim().is_empty())
        .map(|parameter| {
            let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    parameters.sort();
    Some(parameters)
}

/// The head of `answer`, as it came, for the messages of the tests.
fn head(answer: &Response) -> String {
    let mut lines = vec![answer.status_line.clone()];
    lines.extend(answer.headers.iter().map(|(n, v)| format!("{n}: {v}")));
    lines.join("\n")
}

/// Asserts that `answer`, after which the connection stays open for `left`
/// more requests, says so.
#[track_caller]
fn assert_keeps(answer: &Response, which: &str, left: usize) {
    let options = connection_options(answer);
    assert!(
        options.contains(&"keep-alive".to_string()) && !options.contains(&"close".to_string()),
        "{which}: the connection stays open, and the answer should say `Connection: \
         keep-alive`, which names Keep-Alive as a header for this connection only. The head \
         was:\n{}",
        head(answer)
    );
    let expected = [
        ("max".to_string(), left.to_string()),
        ("timeout".to_string(), IDLE_SECS.to_string()),
    ];
    assert_eq!(
        keep_alive(answer).as_deref(),
        Some(&expected[..]),
        "{which}: the answer should say `Keep-Alive: timeout={IDLE_SECS}, max={left}`: the \
         idle time in seconds, and how many more requests the connection may send after this \
         one. The head was:\n{}",
        head(answer)
    );
}

/// Asserts that `answer`, after which the connection closes, says so, and
/// promises nothing more.
#[track_caller]
fn assert_closes(answer: &Response, which: &str) {
    assert_eq!(
        connection_options(answer),
        ["close"],
        "{which}: the connection closes, and the answer should say `Connection: close`, \
         and only that. The head was:\n{}",
        head(answer)
    );
    assert_eq!(
        keep_alive(answer),
        None,
        "{which}: the connection closes, so the answer has no Keep-Alive. The head was:\n{}",
        head(answer)
    );
}

/// Runs `test` against a server of its own, then stops the server with
/// Ctrl-C: it must end well.
fn run(test: impl FnOnce(&Binary)) {
    on_own_loopback(|| {
        let mut server = Binary::start(SERVER);
        test(&server);
        server.signal("INT");
        let (status, stderr) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}, stderr: {stderr}");
    });
}

#[test]
fn goal_1_an_answer_that_keeps_the_connection_says_its_limits() {
    run(|server| {
        for (path, status) in [("/", "200 OK"), ("/nothing-here", "404 Not Found")] {
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            send(&mut stream, &curl_request(path));
            let which = format!("the first answer on a connection, for {path}");
            let answer = next_answer(&mut stream, &which);
            assert_eq!(answer.status_line, format!("HTTP/1.1 {status}"), "{which}");
            assert_keeps(&answer, &which, MAX_REQUESTS - 1);
        }
    });
}

/// A hundred requests on one connection, the last three in one write: each
/// answer counts down, and the last one closes.
#[test]
fn goal_2_max_counts_the_requests_left() {
    run(|server| {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        let together = 3;
        for count in 1..=MAX_REQUESTS {
            if count <= MAX_REQUESTS - together {
                send(&mut stream, &curl_request("/"));
            } else if count == MAX_REQUESTS - together + 1 {
                send(&mut stream, &curl_request("/").repeat(together));
            }
            let which = format!("answer {count} on one connection");
            let answer = next_answer(&mut stream, &which);
            assert_eq!(answer.status_line, "HTTP/1.1 200 OK", "{which}");
            if count < MAX_REQUESTS {
                assert_keeps(&answer, &which, MAX_REQUESTS - count);
            } else {
                assert_closes(&answer, &which);
            }
        }
        assert!(
            ends(&mut stream),
            "the connection should end after its {MAX_REQUESTS}th answer"
        );
    });
}

/// The answers after which the connection closes say `Connection: close`,
/// as in chapter 18, and nothing about limits.
#[test]
fn still_an_answer_that_closes_has_no_keep_alive() {
    run(|server| {
        let closing = [
            (
                "a request with `Connection: keep-alive, Close`",
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:7878\r\nConnection: keep-alive, Close\r\n\r\n",
            ),
            (
                "an HTTP/1.0 request",
                "GET / HTTP/1.0\r\nHost: 127.0.0.1:7878\r\n\r\n",
            ),
            (
                "a request with a body",
                "POST / HTTP/1.1\r\nHost: 127.0.0.1:7878\r\nContent-Length: 5\r\n\r\nhello",
            ),
        ];
        for (which, request) in closing {
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            send(&mut stream, request);
            let mut bytes = Vec::new();
            stream
                .read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("{which}: the connection did not end: {e}"));
            assert_closes(&Response::parse(&bytes), &format!("the answer to {which}"));
        }
    });
}

/// Chapter 18's claims still hold: request after request on one
/// connection, the reasons to close, the idle time, the hundred requests,
/// idle connections that hold no worker, and everything before them.
#[test]
fn still_it_passes_chapter_18s_check() {
    check_binary(SERVER, 18, &[]);
}
