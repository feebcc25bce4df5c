//! The parser of chapter 16: what it takes, what it refuses and why; that
//! no input makes it panic (proptest); and where it and `httparse`, a
//! well-kept parser, disagree: only where we chose to be stricter, or the
//! RFC asks for more than `httparse` does.

// ANCHOR: use
use super::{Header, MAX_HEADERS, Refusal, Request, parse};
use proptest::prelude::*;
// ANCHOR_END: use

fn header<'h>(name: &'h str, value: &'h str) -> Header<'h> {
    Header {
        name,
        value: value.as_bytes(),
    }
}

/// The rule that `head` breaks, if it is refused as malformed.
fn broken_rule(head: &[u8]) -> &'static str {
    match parse(head) {
        Err(Refusal::Malformed(rule)) => rule,
        other => panic!(
            "{:?}: expected a 400, got {other:?}",
            head.escape_ascii().to_string()
        ),
    }
}

#[test]
fn takes_what_curl_sends() {
    let head = b"GET /a/b?c=d HTTP/1.1\r\nHost: 127.0.0.1:7878\r\n\
                 User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    assert_eq!(
        parse(head),
        Ok(Request {
            method: "GET",
            target: "/a/b?c=d",
            minor_version: 1,
            headers: vec![
                header("Host", "127.0.0.1:7878"),
                header("User-Agent", "curl/7.88.1"),
                header("Accept", "*/*"),
            ],
        })
    );
}

#[test]
fn takes_bare_newlines_and_trims_values() {
    let request = parse(b"GET / HTTP/1.1\nHost:  a \t\nX-Empty:\n\n").unwrap();
    assert_eq!(
        request.headers,
        [header("Host", "a"), header("X-Empty", "")]
    );
}

#[test]
fn reads_nothing_after_the_blank_line() {
    let request = parse(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nnot a header\r\n\0").unwrap();
    assert_eq!(request.headers.len(), 1);
}

#[test]
fn takes_the_four_forms_of_target() {
    let form = |line: &str| {
        let head = format!("{line}\r\nHost: a\r\n\r\n");
        parse(head.as_bytes()).map(|request| request.path().to_string())
    };
    assert_eq!(form("GET /x?y#z HTTP/1.1"), Ok("/x".into()));
    assert_eq!(form("GET http://a/x/y?z HTTP/1.1"), Ok("/x/y".into()));
    assert_eq!(form("GET HTTPS://a HTTP/1.1"), Ok("/".into()));
    assert_eq!(form("GET /a://b HTTP/1.1"), Ok("/a://b".into()));
    assert_eq!(form("OPTIONS * HTTP/1.1"), Ok("*".into()));
    assert_eq!(form("CONNECT a:443 HTTP/1.1"), Ok("a:443".into()));
    assert!(form("GET * HTTP/1.1").is_err());
    assert!(form("GET a:443 HTTP/1.1").is_err());
    assert!(form("GET ftp://a/ HTTP/1.1").is_err());
}

#[test]
fn versions() {
    let version = |version: &str| {
        let head = format!("GET / {version}\r\nHost: a\r\n\r\n");
        parse(head.as_bytes()).map(|request| request.minor_version)
    };
    assert_eq!(version("HTTP/1.1"), Ok(1));
    assert_eq!(version("HTTP/1.0"), Ok(0));
    assert_eq!(version("HTTP/1.9"), Ok(9));
    assert_eq!(version("HTTP/2.0"), Err(Refusal::Version));
    assert_eq!(version("HTTP/0.9"), Err(Refusal::Version));
    for malformed in [
        "http/1.1",
        "HTTP/1",
        "HTTP/1.10",
        "HTTP/a.b",
        "HTTP/1.1 ",
        "",
    ] {
        assert!(
            matches!(version(malformed), Err(Refusal::Malformed(_))),
            "{malformed:?}"
        );
    }
}

#[test]
fn the_host_rule() {
    assert!(parse(b"GET / HTTP/1.0\r\n\r\n").is_ok());
    assert!(parse(b"GET / HTTP/1.0\r\nHost: a\r\n\r\n").is_ok());
    assert!(parse(b"GET / HTTP/1.1\r\nhOsT: a\r\n\r\n").is_ok());
    assert_eq!(
        broken_rule(b"GET / HTTP/1.1\r\n\r\n"),
        "an HTTP/1.1 request has a Host header"
    );
    assert_eq!(
        broken_rule(b"GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"),
        "a request has one Host header at most"
    );
}

#[test]
fn each_rule_has_its_refusal() {
    let cases: [(&[u8], &str); 16] = [
        (b"", "no request line"),
        (b"GET / HTTP/1.1", "no request line"),
        (b"GET / HTTP/1.1\r\nHost: a\r\n", "no blank line"),
        (
            b"\r\nGET / HTTP/1.1\r\n\r\n",
            "a request line is three parts and two spaces",
        ),
        (
            b"GET /\r\n\r\n",
            "a request line is three parts and two spaces",
        ),
        (
            b"GET  / HTTP/1.1\r\n\r\n",
            "a request line is three parts and two spaces",
        ),
        (
            b"GET\t/ HTTP/1.1\r\n\r\n",
            "a request line is three parts and two spaces",
        ),
        (b"G(T / HTTP/1.1\r\n\r\n", "a method is a token"),
        (
            b"GET /\xc3\xa9 HTTP/1.1\r\n\r\n",
            "a target is visible ASCII",
        ),
        (b"GET /\x7f HTTP/1.1\r\n\r\n", "a target is visible ASCII"),
        (
            b"GET a HTTP/1.1\r\n\r\n",
            "a target starts with / or http://",
        ),
        (
            b"GET / HTTP/1.1\rHost: a\r\n\r\n",
            "a CR that does not end a line",
        ),
        (
            b"GET / HTTP/1.1\r\nHost a\r\n\r\n",
            "a header line has a colon",
        ),
        (
            b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
            "a header name is a token",
        ),
        (
            b"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",
            "a header line starts with a space",
        ),
        (
            b"GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n",
            "a header value holds a control character",
        ),
    ];
    for (head, rule) in cases {
        assert_eq!(broken_rule(head), rule, "{}", head.escape_ascii());
    }
}

#[test]
fn values_may_hold_bytes_above_ascii() {
    let request = parse(b"GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xc3\xa9\r\n\r\n").unwrap();
    assert_eq!(request.header("x-name"), Some("café".as_bytes()));
}

#[test]
fn counts_its_headers() {
    let head = |count: usize| {
        let mut head = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
        for i in 1..count {
            head.push_str(&format!("X-{i}: {i}\r\n"));
        }
        head + "\r\n"
    };
    assert_eq!(
        parse(head(MAX_HEADERS).as_bytes()).unwrap().headers.len(),
        MAX_HEADERS
    );
    assert_eq!(
        parse(head(MAX_HEADERS + 1).as_bytes()),
        Err(Refusal::TooManyHeaders)
    );
}

// ANCHOR: any_bytes
proptest! {
    /// Whatever the bytes, `parse` returns: `Ok` or `Err`, never a panic.
    #[test]
    fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&bytes);
    }
}
// ANCHOR_END: any_bytes

// ANCHOR: near_heads
/// One of `right` nine times in ten, else one of `wrong`.
fn mostly(right: &[&'static str], wrong: &[&'static str]) -> BoxedStrategy<&'static str> {
    prop_oneof![
        9 => prop::sample::select(right.to_vec()),
        1 => prop::sample::select(wrong.to_vec()),
    ]
    .boxed()
}

/// Heads that are nearly right: each part mostly right and sometimes
/// wrong, and then, one time in four, one byte changed. Random bytes alone
/// would almost never get past the method.
fn near_head() -> impl Strategy<Value = Vec<u8>> {
    let method = mostly(&["GET", "HEAD", "POST", "BREW"], &["get", "G(T", ""]);
    let target = mostly(
        &["/", "/a?b", "http://a/b"],
        &["*", "a:443", "/caf\u{e9}", "/\u{7f}", ""],
    );
    let version = mostly(
        &["HTTP/1.1", "HTTP/1.0"],
        &["HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1", "HTTP/1.10"],
    );
    let space = mostly(&[" "], &["  ", "\t", ""]);
    let end = mostly(&["\r\n", "\n"], &["\r", "\r\r\n", "\n\r"]);
    let name = mostly(
        &["Accept", "X-A", "User-Agent"],
        &["Host", "Bad Name", "", "Host "],
    );
    let value = mostly(
        &["a", " padded\t", "caf\u{e9}", ""],
        &["a\u{1}b", "\u{c}", "a\rb"],
    );
    let host = mostly(&["Host: a"], &["", "Host a", " Host: a"]);
    let header = (name, value, end.clone()).prop_map(|(n, v, e)| format!("{n}:{v}{e}"));
    let headers = prop::collection::vec(header, 0..4);
    let change = prop::option::weighted(0.25, (any::<prop::sample::Index>(), any::<u8>()));
    (
        method,
        space.clone(),
        target,
        space,
        version,
        end.clone(),
        host,
        headers,
        end,
        change,
    )
        .prop_map(|(m, s1, t, s2, v, e1, host, headers, e2, change)| {
            let host = if host.is_empty() {
                String::new()
            } else {
                format!("{host}{e1}")
            };
            let mut head =
                format!("{m}{s1}{t}{s2}{v}{e1}{host}{}{e2}", headers.concat()).into_bytes();
            if let Some((at, byte)) = change {
                let at = at.index(head.len());
                head[at] = byte;
            }
            head
        })
}
// ANCHOR_END: near_heads

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_near_heads(head in near_head()) {
        let _ = parse(&head);
    }

    // ANCHOR: httparse
    /// Where `httparse` takes a head, we take it too, with the same parts,
    /// or refuse it by one of the rules that we chose to add. Where we take
    /// a head, `httparse` takes it too, unless its version is above 1.1.
    #[test]
    fn agrees_with_httparse(head in near_head()) {
        let mut their_headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut theirs = httparse::Request::new(&mut their_headers);
        let their_verdict = theirs.parse(&head);
        let taken_by_them = matches!(their_verdict, Ok(httparse::Status::Complete(_)));
        match parse(&head) {
            Ok(ours) if taken_by_them => {
                prop_assert_eq!(Some(ours.method), theirs.method);
                prop_assert_eq!(Some(ours.target), theirs.path);
                prop_assert_eq!(Some(ours.minor_version), theirs.version);
                let their_headers: Vec<_> = theirs
                    .headers
                    .iter()
                    .map(|header| Header { name: header.name, value: header.value })
                    .collect();
                prop_assert_eq!(ours.headers, their_headers);
            }
            // RFC 9112, section 2.3: a minor version above ours is read
            // as ours; `httparse` knows HTTP/1.0 and HTTP/1.1 only.
            Ok(ours) => prop_assert!(ours.minor_version > 1, "{:?}", their_verdict),
            Err(refusal) if taken_by_them => prop_assert!(
                stricter_than_httparse(refusal, &head),
                "we refused what httparse takes: {}",
                refusal
            ),
            Err(_) => {} // both refused it
        }
    }
    // ANCHOR_END: httparse
}

// ANCHOR: stricter
/// The rules by which we refuse heads that `httparse` takes.
fn stricter_than_httparse(refusal: Refusal, head: &[u8]) -> bool {
    match refusal {
        // RFC 9112, section 3.2: `httparse` leaves this to its caller.
        Refusal::Malformed(
            "an HTTP/1.1 request has a Host header" | "a request has one Host header at most",
        ) => true,
        // `httparse` takes any target; we take the four forms of the RFC.
        Refusal::Malformed("a target starts with / or http://") => true,
        // `httparse` takes bytes above ASCII in a target; an address is
        // ASCII (RFC 3986), and browsers send other bytes %-encoded.
        Refusal::Malformed("a target is visible ASCII") => true,
        // `httparse` skips empty lines before the request line (RFC 9112,
        // section 2.2, allows it); our reader took the first as the end.
        Refusal::Malformed(_) => head.starts_with(b"\n") || head.starts_with(b"\r\n"),
        _ => false,
    }
}
// ANCHOR_END: stricter

// ANCHOR: round_trip
/// A head that is right, made of generated parts: the parts, and the head.
fn right_head() -> impl Strategy<Value = (String, String, u8, Vec<(String, String)>, String)> {
    let method = "[A-Z]{1,10}";
    let target = "/[a-zA-Z0-9._~!$&'()*+,;=:@/?%-]{0,40}";
    let headers = prop::collection::vec(
        ("[A-Za-z0-9-]{1,20}", "[ -~]{0,40}").prop_map(|(name, value): (String, String)| {
            (name, value.trim_matches(' ').to_string())
        }),
        0..10,
    );
    (method, target, 0..=9u8, headers).prop_map(|(method, target, minor, mut headers)| {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("host"));
        headers.insert(0, ("Host".to_string(), "example.com".to_string()));
        let mut head = format!("{method} {target} HTTP/1.{minor}\r\n");
        for (name, value) in &headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        (method, target, minor, headers, head)
    })
}

proptest! {
    /// A head written from parts is read back as those parts.
    #[test]
    fn reads_back_the_parts_of_a_right_head(
        (method, target, minor, headers, head) in right_head()
    ) {
        let request = parse(head.as_bytes()).unwrap();
        prop_assert_eq!(request.method, method);
        prop_assert_eq!(request.target, target);
        prop_assert_eq!(request.minor_version, minor);
        let parsed: Vec<_> = request
            .headers
            .iter()
            .map(|header| (header.name.to_string(), String::from_utf8(header.value.to_vec()).unwrap()))
            .collect();
        prop_assert_eq!(parsed, headers);
    }
}
// ANCHOR_END: round_trip

/// The near heads are worth testing with: they reach every rule, and about
/// a quarter of them are right (else the tests above would prove little).
#[test]
fn near_heads_reach_every_rule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut reached = std::collections::BTreeSet::new();
    let mut taken = 0;
    for _ in 0..2000 {
        let head = near_head().new_tree(&mut runner).unwrap().current();
        match parse(&head) {
            Ok(_) => taken += 1,
            Err(refusal) => {
                reached.insert(refusal.to_string());
            }
        }
    }
    assert!(taken > 400, "only {taken} of 2000 near heads are right");
    let rules = [
        "a request line is three parts and two spaces",
        "a method is a token",
        "a target is visible ASCII",
        "a target starts with / or http://",
        "a version is HTTP/ and two digits",
        "the version is not HTTP/1.x",
        "a CR that does not end a line",
        "a header line has a colon",
        "a header name is a token",
        "a header line starts with a space",
        "a header value holds a control character",
        "an HTTP/1.1 request has a Host header",
        "a request has one Host header at most",
        "no blank line",
    ];
    for rule in rules {
        assert!(
            reached.contains(rule),
            "no near head breaks the rule “{rule}”"
        );
    }
}
