//! Chapter 16: the server parses each head, refuses what breaks the grammar
//! with the status that says why, answers `HEAD`, dates and types every
//! answer, and does not lose an answer to a body it did not read.
//! The parser's own tests are in `src/request/tests.rs`.

use super::{HEAD_TIME, SLEEP, serve};
use check::{Target, claims};
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;
use testkit::{as_curl_shows, enter_steps_dir, spawn_server, transcript, transcript_any_date};

/// The server on an ephemeral port, never stopped.
fn server() -> SocketAddr {
    enter_steps_dir();
    spawn_server(|listener| serve(listener, &AtomicBool::new(false)))
}

/// The target that `check` sees: `/sleep` and the time for a head both take
/// a second here.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr).sleep(SLEEP).head_time(HEAD_TIME)
}

/// Sends `request` and reads the answer to its end, as text.
fn send(addr: SocketAddr, request: &[u8]) -> String {
    String::from_utf8(testkit::send(addr, request)).unwrap()
}

/// The status line of `answer`.
fn status(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

#[test]
fn every_answer_has_a_type_and_a_date() {
    claims::TYPE_AND_DATE.assert_holds(&target(server()));
}

#[test]
fn the_date_is_now_in_the_format_of_http() {
    let answer = send(server(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let date = answer
        .lines()
        .find_map(|line| line.strip_prefix("Date: "))
        .expect("no Date");
    // `Thu, 03 Dec 2026 05:37:32 GMT`: 29 characters, always.
    assert_eq!(date.len(), 29, "{date}");
    let sent = httpdate::parse_http_date(date).unwrap();
    let off = SystemTime::now().duration_since(sent).unwrap();
    assert!(off.as_secs() < 10, "{date} is {off:?} old");
}

#[test]
fn head_gets_the_head_only() {
    claims::HEAD_GETS_NO_BODY.assert_holds(&target(server()));
}

#[test]
fn malformed_heads_get_400() {
    claims::MALFORMED_GETS_400.assert_holds(&target(server()));
}

#[test]
fn unknown_methods_get_501_and_known_ones_405() {
    let addr = server();
    claims::UNKNOWN_METHOD_GETS_501.assert_holds(&target(addr));
    claims::OTHER_METHOD_GETS_405.assert_holds(&target(addr));
}

#[test]
fn http_1_0_is_answered_and_http_2_0_gets_505() {
    claims::VERSIONS.assert_holds(&target(server()));
}

#[test]
fn a_newer_minor_version_is_answered_as_http_1_1() {
    let answer = send(server(), b"GET / HTTP/1.7\r\nHost: a\r\n\r\n");
    assert_eq!(status(&answer), "HTTP/1.1 200 OK");
}

#[test]
fn a_body_we_do_not_read_does_not_cost_the_answer() {
    claims::BODY_DOES_NOT_COST_THE_ANSWER.assert_holds(&target(server()));
}

#[test]
fn too_many_headers_get_431() {
    let mut head = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for i in 0..64 {
        head.push_str(&format!("X-{i}: {i}\r\n"));
    }
    head.push_str("\r\n");
    let answer = send(server(), head.as_bytes());
    assert_eq!(
        status(&answer),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
}

#[test]
fn an_absolute_address_names_its_path() {
    let addr = server();
    let answer = send(addr, b"GET http://127.0.0.1/ HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(status(&answer), "HTTP/1.1 200 OK");
    let answer = send(addr, b"GET http://127.0.0.1/x HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(status(&answer), "HTTP/1.1 404 Not Found");
}

#[test]
fn passes_chapter_16s_check_claim_after_claim() {
    let chapter = check::Chapter::parse("ch16").unwrap();
    let report = check::run(chapter, &target(server()));
    assert!(report.passed(), "{}", report.render());
}

/// What `printf '…' | nc -N 127.0.0.1 7878 | head -n 1` shows for each
/// request that "Trying it" sends: the request as typed, the status line.
#[test]
fn the_statuses_the_chapter_shows() {
    let addr = server();
    let requests = [
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /caf\u{e9} HTTP/1.1\r\nHost: x\r\n\r\n",
        "BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
        "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
    ];
    let mut shown = String::new();
    for request in requests {
        let typed = request.replace('\r', "\\r").replace('\n', "\\n");
        let answer = send(addr, request.as_bytes());
        shown.push_str(&format!(
            "$ printf '{typed}' | nc -N 127.0.0.1 7878 | head -n 1\n{}\n",
            status(&answer)
        ));
    }
    transcript(env!("CARGO_MANIFEST_DIR"), "statuses", &shown);
}

/// What `curl -I http://127.0.0.1:7878/` shows: the head of `GET /`, and
/// no body.
#[test]
fn the_head_the_chapter_shows() {
    let request = testkit::curl_request("/").replacen("GET", "HEAD", 1);
    let answer = send(server(), request.as_bytes());
    transcript_any_date(
        env!("CARGO_MANIFEST_DIR"),
        "head",
        &as_curl_shows(answer.as_bytes()),
    );
}

/// Chapter 17 serves the files of `pages/`; this server serves none, and
/// so passes chapter 17's claim that no path leads out of the folder.
#[test]
fn fails_chapter_17s_claim_on_files() {
    let addr = server();
    claims::FILES_WITH_THEIR_TYPE.assert_fails(&target(addr));
    claims::NO_WAY_OUT.assert_holds(&target(addr));
}
