//! Bytes, shown so that a person can read them: `\r` and `\n` as escapes,
//! on one line, and long bodies cut short with a note.

use crate::client::Answer;
use std::fmt::Write;
use std::time::Duration;

/// How many bytes of a body we show after the head.
const BODY_SHOWN: usize = 40;

/// `bytes` on one line, `\r\n` and other control bytes escaped. The head is
/// shown whole; of a body, its first bytes, or up to just past `from`, the
/// first byte that differs from what we expected.
pub fn bytes(bytes: &[u8], differs_at: Option<usize>) -> String {
    if bytes.is_empty() {
        return "nothing (0 bytes)".to_string();
    }
    let head_end = find(bytes, b"\r\n\r\n").map_or(0, |at| at + 4);
    let mut shown_len = (head_end + BODY_SHOWN).max(BODY_SHOWN);
    if let Some(at) = differs_at {
        shown_len = shown_len.max(at + 20);
    }
    let shown_len = shown_len.min(bytes.len());
    let mut text = escape(&bytes[..shown_len]);
    if shown_len < bytes.len() {
        let _ = write!(
            text,
            "… ({} more bytes, {} in all)",
            bytes.len() - shown_len,
            bytes.len()
        );
    }
    text
}

/// Escapes `bytes`: `\r`, `\n`, `\t` and `\\` as in Rust strings, other
/// control bytes and bytes that are not UTF-8 as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut text = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => text.push_str("\\r"),
                '\n' => text.push_str("\\n"),
                '\t' => text.push_str("\\t"),
                '\\' => text.push_str("\\\\"),
                c if c.is_control() => {
                    let _ = write!(text, "\\x{:02x}", c as u32);
                }
                c => text.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(text, "\\x{byte:02x}");
        }
    }
    text
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Where `got` first differs from `expected`, if it does.
pub fn first_difference(got: &[u8], expected: &[u8]) -> Option<usize> {
    if got == expected {
        return None;
    }
    Some(
        got.iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(expected.len())),
    )
}

/// What came back, compared with the bytes we `expected`.
pub fn answer_against(answer: &Answer, expected: &[u8]) -> String {
    match answer {
        Answer::Closed(got)
            if std::str::from_utf8(expected)
                .is_ok_and(|expected| crate::same_answer(got, expected)) =>
        {
            "the same".to_string()
        }
        Answer::Closed(got) if !got.is_empty() => {
            let at = first_difference(got, expected);
            let mut text = bytes(got, at);
            if let Some(at) = at {
                // Counted from 1, as people count.
                let _ = write!(text, "  (differs from byte {} on, counting from 1)", at + 1);
            }
            text
        }
        other => describe(other),
    }
}

/// What came back, in words.
pub fn describe(answer: &Answer) -> String {
    match answer {
        Answer::Closed(got) if got.is_empty() => {
            "nothing: the server closed the connection without an answer".to_string()
        }
        Answer::Closed(got) => format!(
            "{}, then the server closed the connection",
            bytes(got, None)
        ),
        Answer::Reset(got) if got.is_empty() => {
            "nothing: the server reset the connection without an answer".to_string()
        }
        Answer::Reset(got) => format!("{}, then the connection was reset", bytes(got, None)),
        Answer::Kept(got) => format!(
            "{}, a whole answer, and the server kept the connection open",
            bytes(got, None)
        ),
        Answer::StillOpen(got) if got.is_empty() => {
            "nothing, and the connection was still open when we stopped waiting".to_string()
        }
        Answer::StillOpen(got) => format!(
            "{}, and the connection was still open when we stopped waiting",
            bytes(got, None)
        ),
        Answer::CannotConnect(e) => {
            format!("could not connect ({e}): did your server stop? Its terminal may say why")
        }
        Answer::Failed(e) => format!("the exchange failed: {e}"),
    }
}

/// A duration as people read it: `5.02 s`.
pub fn secs(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_line_ends_and_odd_bytes() {
        assert_eq!(
            escape(b"GET / HTTP/1.1\r\n\r\n"),
            "GET / HTTP/1.1\\r\\n\\r\\n"
        );
        assert_eq!(escape(b"a\\b\x00\xff"), "a\\\\b\\x00\\xff");
    }

    #[test]
    fn shows_the_head_whole_and_cuts_a_long_body() {
        let body = "x".repeat(100);
        let response = format!("HTTP/1.1 200 OK\r\n\r\n{body}");
        let shown = bytes(response.as_bytes(), None);
        assert_eq!(
            shown,
            format!(
                "HTTP/1.1 200 OK\\r\\n\\r\\n{}… (60 more bytes, 119 in all)",
                "x".repeat(40)
            )
        );
    }

    #[test]
    fn shows_the_body_up_to_just_past_the_first_difference() {
        let head = "HTTP/1.1 200 OK\r\n\r\n";
        let expected = format!("{head}{}", "x".repeat(121));
        let got = format!("{head}{}y{}", "x".repeat(60), "x".repeat(60));
        let shown = answer_against(&Answer::Closed(got.into_bytes()), expected.as_bytes());
        assert!(shown.contains('y'), "{shown}");
        assert!(
            shown.ends_with("(differs from byte 80 on, counting from 1)"),
            "{shown}"
        );
    }
}
