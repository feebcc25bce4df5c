//! Exercise 9: every file of `pages/` says when it last changed, with
//! `Last-Modified`, and a client whose copy is that recent gets `304 Not
//! Modified`, without the file. From `steps/`: `cargo test -p
//! ex9-not-modified`.
//!
//! The tests run the server as `cargo run -p ex9-not-modified` does, ask
//! for the files of `pages/` with and without `If-Modified-Since`, and stop
//! it with Ctrl-C (SIGINT). They read when each file last changed from the
//! file itself, so they pass whenever its copy was made.
//!
//! The `goal_…` tests fail until the change is there; make them pass in
//! order (`cargo test -p ex9-not-modified goal_1` runs the first one only).
//! The `still_…` tests pass from the start: they guard what must not break.
//! The solution, `ex9-not-modified-solution`, runs this very file.
#![cfg(target_os = "linux")]

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use testkit::{Binary, Response, check_binary, on_own_loopback, send, steps_dir};

/// The server this file tests: the starting point or the solution, whichever
/// crate runs it.
const SERVER: &str = match (
    option_env!("CARGO_BIN_EXE_ex9-not-modified"),
    option_env!("CARGO_BIN_EXE_ex9-not-modified-solution"),
) {
    (Some(path), _) | (None, Some(path)) => path,
    (None, None) => panic!("run by a crate that is not an ex9-not-modified"),
};

/// The files of `pages/`.
const FILES: [&str; 3] = ["about.html", "notes.txt", "favicon.ico"];

/// The file `pages/{name}` itself.
fn file(name: &str) -> PathBuf {
    steps_dir().join("pages").join(name)
}

/// When `pages/{name}` last changed, to the nanosecond.
fn last_changed(name: &str) -> SystemTime {
    fs::metadata(file(name))
        .and_then(|metadata| metadata.modified())
        .unwrap_or_else(|e| panic!("cannot read when pages/{name} last changed: {e}"))
}

/// Sends `{method} /{name}` as curl does, with the header lines `extra`
/// (each ending in CRLF); the answer, whole.
fn ask(server: &Binary, method: &str, name: &str, extra: &str) -> Response {
    let request = format!(
        "{method} /{name} HTTP/1.1\r\nHost: 127.0.0.1:7878\r\nUser-Agent: curl/7.88.1\r\n\
         Accept: */*\r\n{extra}\r\n"
    );
    Response::parse(&send(server.addr(), request.as_bytes()))
}

/// The value of the header `name` in `answer`, if it has one.
fn header<'a>(answer: &'a Response, name: &str) -> Option<&'a str> {
    answer
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The head of `answer`, as it came, for the messages of the tests.
fn head(answer: &Response) -> String {
    let mut lines = vec![answer.status_line.clone()];
    lines.extend(answer.headers.iter().map(|(n, v)| format!("{n}: {v}")));
    lines.join("\n")
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
fn goal_1_a_file_says_when_it_last_changed() {
    run(|server| {
        for name in FILES {
            let expected = httpdate::fmt_http_date(last_changed(name));
            for method in ["GET", "HEAD"] {
                let answer = ask(server, method, name, "");
                assert_eq!(answer.status_line, "HTTP/1.1 200 OK", "{method} /{name}");
                assert_eq!(
                    header(&answer, "Last-Modified"),
                    Some(expected.as_str()),
                    "{method} /{name} should get `Last-Modified: {expected}`: when \
                     pages/{name} last changed, as an HTTP date, like `Date`. The head was:\n{}",
                    head(&answer)
                );
            }
        }
    });
}

#[test]
fn goal_2_an_unchanged_file_gets_304_without_a_body() {
    run(|server| {
        for name in FILES {
            let changed = last_changed(name);
            let length = fs::metadata(file(name)).unwrap().len();
            // The client's copy is from when the file last changed, as its
            // `Last-Modified` said, or from now.
            for (since, copy) in [(changed, "its Last-Modified"), (SystemTime::now(), "now")] {
                let since = httpdate::fmt_http_date(since);
                for method in ["GET", "HEAD"] {
                    let answer = ask(
                        server,
                        method,
                        name,
                        &format!("If-Modified-Since: {since}\r\n"),
                    );
                    let asked =
                        format!("{method} /{name} with `If-Modified-Since: {since}` ({copy})");
                    assert_eq!(
                        answer.status_line,
                        "HTTP/1.1 304 Not Modified",
                        "{asked}: the file has not changed since, so the answer is \
                         `304 Not Modified`. (HTTP dates have whole seconds, and the \
                         file's time has nanoseconds.) The head was:\n{}",
                        head(&answer)
                    );
                    assert!(
                        answer.body.is_empty(),
                        "{asked}: a 304 has no body, yet {} bytes came after its head",
                        answer.body.len()
                    );
                    assert_eq!(
                        header(&answer, "Last-Modified"),
                        Some(httpdate::fmt_http_date(changed).as_str()),
                        "{asked}: a 304 says when the file last changed too. The head \
                         was:\n{}",
                        head(&answer)
                    );
                    assert!(
                        header(&answer, "Date").is_some(),
                        "{asked}: a 304 has a Date, as every answer. The head was:\n{}",
                        head(&answer)
                    );
                    if let Some(sent) = header(&answer, "Content-Length") {
                        assert_eq!(
                            sent,
                            length.to_string(),
                            "{asked}: a 304 may leave `Content-Length` out, but if it has \
                             one, it is the length of the file, as in the 200 it stands for \
                             (RFC 9110, section 8.6), not that of the empty body"
                        );
                    }
                }
            }
        }
    });
}

/// A file that changed since the client's copy, and a date that is not a
/// date, get the whole file, as from the start.
#[test]
fn still_a_changed_file_or_a_bad_date_gets_the_whole_file() {
    run(|server| {
        for name in FILES {
            let before = httpdate::fmt_http_date(last_changed(name) - Duration::from_secs(1));
            let bytes = fs::read(file(name)).unwrap();
            for since in [
                before.as_str(),
                "Thu, 01 Jan 1970 00:00:00 GMT",
                "yesterday",
                "Mon, 32 Foo 2024 25:61:61 GMT",
            ] {
                let answer = ask(
                    server,
                    "GET",
                    name,
                    &format!("If-Modified-Since: {since}\r\n"),
                );
                assert_eq!(
                    answer.status_line,
                    "HTTP/1.1 200 OK",
                    "GET /{name} with `If-Modified-Since: {since}`: the file changed after that \
                     date, or it is no date at all (RFC 9110, section 13.1.3: then the header \
                     does not count), so the client gets the whole file. The head was:\n{}",
                    head(&answer)
                );
                assert!(
                    answer.body == bytes,
                    "GET /{name} with `If-Modified-Since: {since}`: the body is not \
                     pages/{name}, byte for byte"
                );
            }
        }
    });
}

/// Chapter 17's claims still hold: the files with their type, no way out of
/// `pages/`, and everything before them.
#[test]
fn still_it_passes_chapter_17s_check() {
    check_binary(SERVER, 17, &[]);
}
