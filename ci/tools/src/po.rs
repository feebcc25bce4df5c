//! A small gettext PO parser and the `po-check` rules.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// One (non-obsolete) entry of a PO or POT file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgid_plural: Option<String>,
    /// `msgstr`, or `msgstr[0]`, `msgstr[1]`, ... for plural entries.
    pub msgstr: Vec<String>,
    pub fuzzy: bool,
    /// Line of the `msgid` keyword (1-based).
    pub line: usize,
}

impl Entry {
    pub fn is_header(&self) -> bool {
        self.msgctxt.is_none() && self.msgid.is_empty()
    }

    pub fn is_translated(&self) -> bool {
        !self.msgstr.is_empty() && self.msgstr.iter().all(|s| !s.is_empty())
    }

    fn key(&self) -> (Option<&str>, &str) {
        (self.msgctxt.as_deref(), &self.msgid)
    }
}

#[derive(Debug, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Ctxt,
    Id,
    IdPlural,
    Str(usize),
}

/// Parses a PO/POT file. The header entry (`msgid ""`) is returned like any other
/// entry; obsolete entries (`#~`) are skipped.
pub fn parse(text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut entries = Vec::new();
    let mut cur = Entry::default();
    let mut has_id = false;
    let mut field: Option<Field> = None;
    let mut pending_fuzzy = false;

    let finish = |cur: &mut Entry, has_id: &mut bool, entries: &mut Vec<Entry>| {
        if *has_id {
            entries.push(std::mem::take(cur));
        } else {
            *cur = Entry::default();
        }
        *has_id = false;
    };

    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        let err = |message: String| ParseError {
            line: line_no,
            message,
        };
        if line.is_empty() {
            finish(&mut cur, &mut has_id, &mut entries);
            field = None;
            continue;
        }
        if line.starts_with("#~") {
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            if has_id && !cur.msgstr.is_empty() {
                // A comment after a complete entry starts the next one.
                finish(&mut cur, &mut has_id, &mut entries);
            }
            field = None;
            if let Some(flags) = rest.strip_prefix(',') {
                if flags.split(',').any(|f| f.trim() == "fuzzy") {
                    pending_fuzzy = true;
                }
            }
            continue;
        }
        if line.starts_with('"') {
            let value = unquote(line).map_err(err)?;
            let target = match field {
                Some(Field::Ctxt) => cur.msgctxt.get_or_insert_with(String::new),
                Some(Field::Id) => &mut cur.msgid,
                Some(Field::IdPlural) => cur.msgid_plural.get_or_insert_with(String::new),
                Some(Field::Str(n)) => &mut cur.msgstr[n],
                None => return Err(err("string without a keyword before it".into())),
            };
            target.push_str(&value);
            continue;
        }
        let (keyword, rest) = match line.find(|c: char| c.is_whitespace() || c == '"') {
            Some(i) => (&line[..i], line[i..].trim_start()),
            None => (line, ""),
        };
        let value = unquote(rest).map_err(|m| err(format!("{keyword}: {m}")))?;
        match keyword {
            "msgctxt" | "msgid" if has_id && !cur.msgstr.is_empty() => {
                finish(&mut cur, &mut has_id, &mut entries);
            }
            _ => {}
        }
        match keyword {
            "msgctxt" => {
                if has_id || cur.msgctxt.is_some() {
                    return Err(err("msgctxt in the middle of an entry".into()));
                }
                cur.msgctxt = Some(value);
                field = Some(Field::Ctxt);
            }
            "msgid" => {
                if has_id {
                    return Err(err("msgid without a msgstr before it".into()));
                }
                cur.msgid = value;
                cur.line = line_no;
                cur.fuzzy = std::mem::take(&mut pending_fuzzy);
                has_id = true;
                field = Some(Field::Id);
            }
            "msgid_plural" => {
                if !has_id {
                    return Err(err("msgid_plural without a msgid".into()));
                }
                cur.msgid_plural = Some(value);
                field = Some(Field::IdPlural);
            }
            _ => {
                let index = if keyword == "msgstr" {
                    Some(0)
                } else {
                    keyword
                        .strip_prefix("msgstr[")
                        .and_then(|r| r.strip_suffix(']'))
                        .and_then(|n| n.parse::<usize>().ok())
                };
                let Some(index) = index else {
                    return Err(err(format!("unknown keyword `{keyword}`")));
                };
                if !has_id {
                    return Err(err(format!("{keyword} without a msgid")));
                }
                if cur.msgstr.len() != index {
                    return Err(err(format!("{keyword} out of order")));
                }
                cur.msgstr.push(value);
                field = Some(Field::Str(index));
            }
        }
    }
    finish(&mut cur, &mut has_id, &mut entries);
    if let Some(e) = entries.iter().find(|e| e.msgstr.is_empty()) {
        return Err(ParseError {
            line: e.line,
            message: "msgid without a msgstr".into(),
        });
    }
    Ok(entries)
}

/// Decodes one C-style quoted PO string: `"a\"b\n"`.
fn unquote(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|_| s.len() >= 2)
        .ok_or_else(|| format!("expected a quoted string, found `{s}`"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                Some(other) => return Err(format!("unknown escape `\\{other}`")),
                None => return Err("string ends with a backslash".into()),
            },
            '"' => return Err("unescaped `\"` inside a string".into()),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Shortens a message for display: first 60 characters, newlines shown as `\n`.
pub fn excerpt(msgid: &str) -> String {
    let mut out: String = msgid.chars().take(60).collect();
    if msgid.chars().count() > 60 {
        out.push('…');
    }
    out.replace('\n', "\\n")
}

/// Markdown inline code spans (`x`, ``x``), each with its backticks, in order.
/// Backslash-escaped backticks outside spans do not open a span.
pub fn code_spans(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let run_len = |from: usize| bytes[from..].iter().take_while(|&&b| b == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                let open = run_len(i);
                let mut j = i + open;
                let mut close = None;
                while j < bytes.len() {
                    if bytes[j] == b'`' {
                        let n = run_len(j);
                        if n == open {
                            close = Some(j + n);
                            break;
                        }
                        j += n;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(end) => {
                        spans.push(&text[i..end]);
                        i = end;
                    }
                    // No closing run: the backticks are literal text.
                    None => i += open,
                }
            }
            _ => i += 1,
        }
    }
    spans
}

/// Link destinations of inline Markdown links and images: `[text](target "title")`
/// yields `target`. Code spans are ignored.
pub fn link_targets(text: &str) -> Vec<String> {
    let mut plain = text.to_string();
    for span in code_spans(text) {
        plain = plain.replacen(span, &" ".repeat(span.len()), 1);
    }
    let mut targets = Vec::new();
    let mut rest = plain.as_str();
    while let Some(pos) = rest.find("](") {
        let after = &rest[pos + 2..];
        let dest = if let Some(angle) = after.strip_prefix('<') {
            angle.find('>').map(|end| &angle[..end])
        } else {
            // Up to whitespace or the `)` that balances the parentheses.
            let mut depth = 0usize;
            let mut end = None;
            for (i, c) in after.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    ')' => depth -= 1,
                    c if c.is_whitespace() => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            end.map(|end| &after[..end])
        };
        if let Some(dest) = dest {
            targets.push(dest.to_string());
        }
        rest = after;
    }
    targets
}

/// True for messages that are nothing but a Rust string literal (checked by code-check).
fn is_rust_string_literal(msgid: &str) -> bool {
    msgid.len() >= 2 && msgid.starts_with('"') && msgid.ends_with('"')
}

/// Items of `source` that `translated` does not hold equally often, each once, in order.
fn unbalanced<'a>(source: &'a [String], translated: &[String]) -> Vec<&'a str> {
    let count = |list: &[String], item: &str| list.iter().filter(|s| *s == item).count();
    let mut seen = HashSet::new();
    source
        .iter()
        .filter(|item| seen.insert(*item) && count(source, item) != count(translated, item))
        .map(String::as_str)
        .collect()
}

/// Protected-text problems of one translated entry (messages without `path:line: `).
pub fn protected_text_problems(msgid: &str, msgstr: &str) -> Vec<String> {
    if is_rust_string_literal(msgid) {
        return Vec::new();
    }
    let spans = |text| {
        code_spans(text)
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let mut problems: Vec<String> = unbalanced(&spans(msgid), &spans(msgstr))
        .into_iter()
        .map(|span| format!("inline code {span} must stay exactly as it is"))
        .collect();
    problems.extend(
        unbalanced(&link_targets(msgid), &link_targets(msgstr))
            .into_iter()
            .map(|target| format!("link target ({target}) must stay exactly as it is")),
    );
    problems
}

/// Result of checking one PO file against the POT.
pub struct PoReport {
    pub problems: Vec<String>,
    pub messages: usize,
}

/// Applies all `po-check` rules. `po_name` prefixes the problems.
pub fn check(po_name: &str, pot: &[Entry], po: &[Entry]) -> PoReport {
    let pot_keys: HashSet<_> = pot
        .iter()
        .filter(|e| !e.is_header())
        .map(Entry::key)
        .collect();
    let po_entries: Vec<&Entry> = po.iter().filter(|e| !e.is_header()).collect();
    let po_keys: HashMap<_, _> = po_entries.iter().map(|e| (e.key(), *e)).collect();
    let mut problems = Vec::new();

    for entry in &po_entries {
        let at = format!("{po_name}:{}", entry.line);
        let quoted = excerpt(&entry.msgid);
        if !pot_keys.contains(&entry.key()) {
            problems.push(format!(
                "{at}: stale message that is no longer in the book, run ci/refresh-po.sh: \"{quoted}\""
            ));
        } else if entry.fuzzy {
            problems.push(format!(
                "{at}: fuzzy (fuzzy entries are never shown to readers): \"{quoted}\""
            ));
        } else if !entry.is_translated() {
            problems.push(format!("{at}: untranslated: \"{quoted}\""));
        } else {
            for msgstr in &entry.msgstr {
                for p in protected_text_problems(&entry.msgid, msgstr) {
                    problems.push(format!("{at}: {p}"));
                }
            }
        }
    }
    for entry in pot.iter().filter(|e| !e.is_header()) {
        if !po_keys.contains_key(&entry.key()) {
            problems.push(format!(
                "{po_name}: missing message, run ci/refresh-po.sh: \"{}\"",
                excerpt(&entry.msgid)
            ));
        }
    }
    PoReport {
        problems,
        messages: po_entries.len(),
    }
}

/// The msgstr for `msgid`: `Err` if there is no such entry or it is not translated.
pub fn lookup<'a>(entries: &'a [Entry], msgid: &str) -> Result<&'a str, String> {
    let entry = entries
        .iter()
        .find(|e| e.msgid == msgid && !e.is_header())
        .ok_or_else(|| format!("no message \"{}\"", excerpt(msgid)))?;
    if entry.fuzzy || !entry.is_translated() {
        return Err(format!(
            "line {}: message \"{}\" is not translated{}",
            entry.line,
            excerpt(msgid),
            if entry.fuzzy { " (fuzzy)" } else { "" }
        ));
    }
    Ok(&entry.msgstr[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    const POT: &str = r#"msgid ""
msgstr ""
"Project-Id-Version: book\n"

#: src/ch01.md:1
msgid "Hello"
msgstr ""

#: src/ch01.md:3
msgid ""
"Run `cargo run` and open "
"[the page](http://127.0.0.1:7878/)."
msgstr ""

msgid "\"127.0.0.1:7878\""
msgstr ""
"#;

    const DE: &str = r#"# German translation
msgid ""
msgstr ""
"Language: de\n"

#: src/ch01.md:1
msgid "Hello"
msgstr "Hallo"

#: src/ch01.md:3
#, no-wrap
msgid ""
"Run `cargo run` and open "
"[the page](http://127.0.0.1:7878/)."
msgstr "Führe `cargo run` aus und öffne [die Seite](http://127.0.0.1:7878/)."

msgid "\"127.0.0.1:7878\""
msgstr "\"127.0.0.1:8080\""

#~ msgid "Old"
#~ msgstr "Alt"
"#;

    fn parse_ok(text: &str) -> Vec<Entry> {
        parse(text).unwrap()
    }

    #[test]
    fn parses_header_multiline_and_escapes() {
        let entries = parse_ok(DE);
        assert_eq!(entries.len(), 4);
        assert!(entries[0].is_header());
        assert_eq!(entries[0].msgstr[0], "Language: de\n");
        assert_eq!(entries[1].msgid, "Hello");
        assert_eq!(entries[1].line, 7);
        assert_eq!(
            entries[2].msgid,
            "Run `cargo run` and open [the page](http://127.0.0.1:7878/)."
        );
        assert_eq!(entries[2].line, 12);
        assert_eq!(entries[3].msgid, "\"127.0.0.1:7878\"");
        assert!(entries.iter().all(|e| e.msgid != "Old"));
    }

    #[test]
    fn parses_flags_context_plural() {
        let text = "#, fuzzy, rust-format\nmsgctxt \"menu\"\nmsgid \"a\\tb\\\\\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"\nmsgstr[1] \"\"\nmsgid \"next\"\nmsgstr \"n\"\n";
        let entries = parse_ok(text);
        assert_eq!(entries.len(), 2);
        assert!(entries[0].fuzzy);
        assert_eq!(entries[0].msgctxt.as_deref(), Some("menu"));
        assert_eq!(entries[0].msgid, "a\tb\\");
        assert_eq!(entries[0].msgid_plural.as_deref(), Some("as"));
        assert_eq!(entries[0].msgstr, vec!["x", ""]);
        assert!(!entries[0].is_translated());
        assert!(!entries[1].fuzzy);
        assert_eq!(entries[1].line, 7);
    }

    #[test]
    fn reports_syntax_errors_with_line() {
        assert_eq!(parse("msgid \"a\"\nmsgstr \"b\n").unwrap_err().line, 2);
        assert_eq!(parse("msgid \"a\"\nbogus \"b\"\n").unwrap_err().line, 2);
        assert_eq!(parse("\"dangling\"\n").unwrap_err().line, 1);
        assert_eq!(parse("msgid \"a\"\n\n").unwrap_err().line, 1);
        assert!(parse("msgid \"a\\q\"\nmsgstr \"\"\n").is_err());
    }

    #[test]
    fn finds_code_spans() {
        assert_eq!(
            code_spans("a `x` and ``y ` z`` \\`no` `unclosed"),
            vec!["`x`", "``y ` z``", "` `"]
        );
        assert_eq!(code_spans("``` a"), Vec::<&str>::new());
    }

    #[test]
    fn finds_link_targets() {
        assert_eq!(
            link_targets(
                "[a](ch01.md#x) ![i](img.png \"T\") [f](f(1).md) `[c](code)` [b](<sp ace>)"
            ),
            vec!["ch01.md#x", "img.png", "f(1).md", "sp ace"]
        );
    }

    #[test]
    fn good_po_passes() {
        let pot = parse_ok(POT);
        let report = check("po/de.po", &pot, &parse_ok(DE));
        assert_eq!(report.problems, Vec::<String>::new());
        assert_eq!(report.messages, 3);
    }

    #[test]
    fn bad_po_fails() {
        let pot = parse_ok(POT);
        let bad = DE
            .replace("msgstr \"Hallo\"", "msgstr \"\"")
            .replace("#, no-wrap", "#, fuzzy")
            .replace("msgid \"\\\"127", "msgid \"\\\"128");
        let report = check("po/de.po", &pot, &parse_ok(&bad));
        assert_eq!(
            report.problems,
            vec![
                "po/de.po:7: untranslated: \"Hello\"",
                "po/de.po:12: fuzzy (fuzzy entries are never shown to readers): \"Run `cargo run` and open [the page](http://127.0.0.1:7878/).\"",
                "po/de.po:17: stale message that is no longer in the book, run ci/refresh-po.sh: \"\"128.0.0.1:7878\"\"",
                "po/de.po: missing message, run ci/refresh-po.sh: \"\"127.0.0.1:7878\"\"",
            ]
        );
    }

    #[test]
    fn protected_text_must_stay() {
        assert!(
            protected_text_problems("Send `HTTP/1.1 200 OK`.", "Sende `HTTP/1.1 200 OK`.")
                .is_empty()
        );
        assert_eq!(
            protected_text_problems("Send `HTTP/1.1 200 OK`.", "Sende `HTTP/1.1 200 Ok`."),
            vec!["inline code `HTTP/1.1 200 OK` must stay exactly as it is"]
        );
        assert_eq!(
            protected_text_problems("`a` and `a`", "`a`"),
            vec!["inline code `a` must stay exactly as it is"]
        );
        assert_eq!(
            protected_text_problems("see [ch 1](ch01.md)", "siehe [Kap. 1](kap01.md)"),
            vec!["link target (ch01.md) must stay exactly as it is"]
        );
        // Rust string literals are left to code-check.
        assert!(protected_text_problems("\"`a`\"", "\"b\"").is_empty());
        // Translated link text and titles are fine.
        assert!(protected_text_problems("[a](x.md \"Title\")", "[b](x.md \"Titel\")").is_empty());
    }

    #[test]
    fn protected_text_problem_is_reported_with_line() {
        let pot = parse_ok("msgid \"Use `x`\"\nmsgstr \"\"\n");
        let po = parse_ok("msgid \"Use `x`\"\nmsgstr \"Nimm `y`\"\n");
        assert_eq!(
            check("po/pt-BR.po", &pot, &po).problems,
            vec!["po/pt-BR.po:1: inline code `x` must stay exactly as it is"]
        );
    }

    #[test]
    fn lookup_msgstr() {
        let entries = parse_ok(DE);
        assert_eq!(lookup(&entries, "Hello"), Ok("Hallo"));
        assert!(lookup(&entries, "Missing").is_err());
        let pot = parse_ok(POT);
        assert!(lookup(&pot, "Hello").is_err());
    }

    #[test]
    fn excerpt_shortens() {
        let long = "x".repeat(70);
        assert_eq!(excerpt(&long).chars().count(), 61);
        assert_eq!(excerpt("a\nb"), "a\\nb");
    }
}
