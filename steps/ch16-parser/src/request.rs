//! A strict parser for the head of an HTTP/1.x request: the request line
//! and the header lines, up to the blank line (RFC 9112, sections 2 to 5).
//! It never panics and never allocates more than one `Vec` of headers;
//! whatever it does not understand, it refuses, and says why.

// ANCHOR: request
/// The head of a request. Its parts borrow from the bytes it was parsed
/// from: parsing copies nothing.
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'h> {
    /// `GET`, `HEAD`, `POST`… or any other token: whether the server knows
    /// the method is for the server to say.
    pub method: &'h str,
    /// The request target: `/a/b?c` (most requests), `*` (`OPTIONS`), an
    /// absolute `http://…` address (what clients send to a proxy), or a
    /// `host:port` (`CONNECT`).
    pub target: &'h str,
    /// The `x` of `HTTP/1.x`.
    pub minor_version: u8,
    pub headers: Vec<Header<'h>>,
}

/// A header line: `Host: example.com` has the name `Host` and the value
/// `example.com`, without the spaces around it.
#[derive(Debug, PartialEq, Eq)]
pub struct Header<'h> {
    pub name: &'h str,
    /// Bytes, not text: a value may hold bytes that are not ASCII.
    pub value: &'h [u8],
}

/// Why a head was refused, and so which status the answer has.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Refusal {
    /// `400 Bad Request`: the head breaks the grammar; the text says where.
    Malformed(&'static str),
    /// `505 HTTP Version Not Supported`: `HTTP/2.0`, `HTTP/0.9`…
    Version,
    /// `431 Request Header Fields Too Large`: more than [`MAX_HEADERS`].
    TooManyHeaders,
}

impl std::fmt::Display for Refusal {
    /// What a log line says: `a method is a token`, for instance.
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Refusal::Malformed(rule) => f.write_str(rule),
            Refusal::Version => f.write_str("the version is not HTTP/1.x"),
            Refusal::TooManyHeaders => write!(f, "more than {MAX_HEADERS} headers"),
        }
    }
}

/// How many header lines a head may have. Browsers send about a dozen.
pub const MAX_HEADERS: usize = 64;
// ANCHOR_END: request

// ANCHOR: parse
/// Parses the head at the start of `bytes`, up to its blank line; what
/// comes after the blank line is not looked at.
pub fn parse(bytes: &[u8]) -> Result<Request<'_>, Refusal> {
    let mut lines = Lines { rest: bytes };
    let request_line = lines
        .next()
        .ok_or(Refusal::Malformed("no request line"))??;
    let (method, target, minor_version) = parse_request_line(request_line)?;

    let mut headers = Vec::new();
    loop {
        let line = lines.next().ok_or(Refusal::Malformed("no blank line"))??;
        if line.is_empty() {
            break; // the blank line: the head is over
        }
        if headers.len() == MAX_HEADERS {
            return Err(Refusal::TooManyHeaders);
        }
        headers.push(parse_header(line)?);
    }

    let request = Request {
        method,
        target,
        minor_version,
        headers,
    };
    check_host(&request)?;
    Ok(request)
}
// ANCHOR_END: parse

// ANCHOR: lines
/// The lines of a head, without their ends. A line ends in `\r\n`, or in a
/// bare `\n` (RFC 9112, section 2.2); a `\r` anywhere else is an error.
struct Lines<'h> {
    rest: &'h [u8],
}

impl<'h> Iterator for Lines<'h> {
    type Item = Result<&'h [u8], Refusal>;

    fn next(&mut self) -> Option<Self::Item> {
        let end = self.rest.iter().position(|&byte| byte == b'\n')?;
        let (line, rest) = (&self.rest[..end], &self.rest[end + 1..]);
        self.rest = rest;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.contains(&b'\r') {
            return Some(Err(Refusal::Malformed("a CR that does not end a line")));
        }
        Some(Ok(line))
    }
}
// ANCHOR_END: lines

// ANCHOR: request_line
/// `GET /index.html HTTP/1.1`: three parts, one space between each.
fn parse_request_line(line: &[u8]) -> Result<(&str, &str, u8), Refusal> {
    let mut parts = line.split(|&byte| byte == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed(
            "a request line is three parts and two spaces",
        ));
    };
    let method = token(method).ok_or(Refusal::Malformed("a method is a token"))?;
    let target = parse_target(method, target)?;
    let minor_version = parse_version(version)?;
    Ok((method, target, minor_version))
}

/// The request target: visible ASCII, in one of the four forms of RFC 9112,
/// section 3.2.
fn parse_target<'h>(method: &str, target: &'h [u8]) -> Result<&'h str, Refusal> {
    if target.is_empty() || !target.iter().all(u8::is_ascii_graphic) {
        return Err(Refusal::Malformed("a target is visible ASCII"));
    }
    // Visible ASCII is UTF-8, so this never fails.
    let target = std::str::from_utf8(target).map_err(|_| Refusal::Malformed("not ASCII"))?;
    let form_fits = match method {
        "CONNECT" => true, // host:port
        "OPTIONS" if target == "*" => true,
        _ => {
            target.starts_with('/')
                || starts_with_ignoring_case(target, "http://")
                || starts_with_ignoring_case(target, "https://")
        }
    };
    if form_fits {
        Ok(target)
    } else {
        Err(Refusal::Malformed("a target starts with / or http://"))
    }
}

/// `HTTP/1.1`: the name in capitals, and one digit on each side of the dot.
fn parse_version(version: &[u8]) -> Result<u8, Refusal> {
    let &[b'H', b'T', b'T', b'P', b'/', major, b'.', minor] = version else {
        return Err(Refusal::Malformed("a version is HTTP/ and two digits"));
    };
    if !major.is_ascii_digit() || !minor.is_ascii_digit() {
        return Err(Refusal::Malformed("a version is HTTP/ and two digits"));
    }
    if major != b'1' {
        return Err(Refusal::Version);
    }
    Ok(minor - b'0')
}
/// Whether `text` starts with `prefix`, in capitals or not: `HTTP://` is
/// `http://`.
fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}
// ANCHOR_END: request_line

// ANCHOR: header
/// `Name: value`: a token, a colon, and a value with optional spaces or
/// tabs around it.
fn parse_header(line: &[u8]) -> Result<Header<'_>, Refusal> {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        // A header continued on the next line: obsolete since 2014, and
        // refused by servers ever since (RFC 9112, section 5.2).
        return Err(Refusal::Malformed("a header line starts with a space"));
    }
    let colon = line
        .iter()
        .position(|&byte| byte == b':')
        .ok_or(Refusal::Malformed("a header line has a colon"))?;
    // No space is allowed between the name and the colon (section 5.1),
    // and `token` lets none through.
    let name = token(&line[..colon]).ok_or(Refusal::Malformed("a header name is a token"))?;
    let value = trim_spaces(&line[colon + 1..]);
    if !value.iter().all(|&byte| is_value_byte(byte)) {
        return Err(Refusal::Malformed(
            "a header value holds a control character",
        ));
    }
    Ok(Header { name, value })
}

/// `bytes` without the spaces and tabs at either end.
fn trim_spaces(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// A byte a header value may hold: visible ASCII, a space or a tab, or a
/// byte above ASCII (RFC 9110, section 5.5).
fn is_value_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() || byte == b' ' || byte == b'\t' || byte >= 0x80
}
// ANCHOR_END: header

// ANCHOR: token
/// `bytes` as text, if they are a token: one or more letters, digits, or
/// any of ``!#$%&'*+-.^_`|~`` (RFC 9110, section 5.6.2).
fn token(bytes: &[u8]) -> Option<&str> {
    let is_tchar = |byte: &u8| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(byte);
    if bytes.is_empty() || !bytes.iter().all(is_tchar) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}
// ANCHOR_END: token

// ANCHOR: host
/// An HTTP/1.1 request has exactly one `Host` header; an HTTP/1.0 one has
/// one at most (RFC 9112, section 3.2).
fn check_host(request: &Request) -> Result<(), Refusal> {
    let hosts = request
        .headers
        .iter()
        .filter(|header| header.name.eq_ignore_ascii_case("host"))
        .count();
    match (hosts, request.minor_version) {
        (0, 0) | (1, _) => Ok(()),
        (0, _) => Err(Refusal::Malformed("an HTTP/1.1 request has a Host header")),
        _ => Err(Refusal::Malformed("a request has one Host header at most")),
    }
}
// ANCHOR_END: host

// ANCHOR: path
impl Request<'_> {
    /// The value of the first header called `name` (in any case), if any.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .map(|header| header.value)
    }

    /// The path the target names, without its query: `/a/b` for `/a/b?c`
    /// and for `http://example.com/a/b?c`.
    pub fn path(&self) -> &str {
        let target = self.target;
        let path = match target.find("://") {
            // An absolute address: the path starts at the first `/` after
            // the host, if there is one.
            Some(i) if !target.starts_with('/') => {
                let rest = &target[i + 3..];
                rest.find('/').map_or("/", |i| &rest[i..])
            }
            _ => target,
        };
        path.split(['?', '#']).next().unwrap_or(path)
    }
}
// ANCHOR_END: path

#[cfg(test)]
mod tests;
