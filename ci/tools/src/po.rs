//! PO files, read with polib (as mdbook-gettext reads them), and the `po-check` rules.

use pulldown_cmark::{Event, Parser, Tag};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One message of a PO or POT file (the header entry is not one).
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

/// Parses a PO/POT file with polib. Obsolete entries (`#~`) are skipped; the
/// header entry (`msgid ""`), which must come first, is not returned.
pub fn parse(text: &str) -> Result<Vec<Entry>, ParseError> {
    let blocks = check_lines(text)?;
    let header_line = blocks.first().map_or(1, |b| b.line);
    let catalog = polib::po_file::parse_from_reader(text.as_bytes()).map_err(|e| ParseError {
        line: header_line,
        message: e.to_string(),
    })?;
    let messages: Vec<_> = catalog.messages().collect();
    // polib keeps the messages in file order, one for each entry after the header.
    if messages.len() + 1 != blocks.len() {
        return Err(ParseError {
            line: header_line,
            message: format!(
                "polib read {} messages, the file has {} entries after the header",
                messages.len(),
                blocks.len().saturating_sub(1)
            ),
        });
    }
    let entries = messages.into_iter().zip(&blocks[1..]).map(|(m, block)| {
        let (msgid_plural, msgstr) = match (m.msgid_plural(), m.msgstr_plural()) {
            (Ok(plural), Ok(forms)) => (Some(plural.to_string()), forms.clone()),
            _ => (None, vec![m.msgstr().unwrap_or_default().to_string()]),
        };
        Entry {
            msgctxt: m.msgctxt().map(String::from),
            msgid: m.msgid().to_string(),
            msgid_plural,
            msgstr,
            fuzzy: m.is_fuzzy() || block.fuzzy,
            line: block.line,
        }
    });
    Ok(entries.collect())
}

/// One entry as its lines show it.
#[derive(Default)]
struct Block {
    /// Line of the `msgid` keyword.
    line: usize,
    /// Any `#,` line of the entry says `fuzzy`.
    fuzzy: bool,
}

/// By hand: polib keeps no line numbers and trusts its input, so each line is checked first.
///
/// polib panics on `msgid x` or on a string before any keyword, and misreads an
/// unterminated string, an indented line, a missing blank line between entries or
/// `#,fuzzy` (no space). The entries' lines, in order, go with polib's messages.
fn check_lines(text: &str) -> Result<Vec<Block>, ParseError> {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
    // polib panics on a bare `#` before the first line that starts a comment or entry.
    let starts = |l: &str| {
        ["# ", "#.", "#:", "#,", "m", "\""]
            .iter()
            .any(|p| l.starts_with(p))
    };
    let first = lines.iter().find(|(_, l)| *l == "#" || starts(l));
    if let Some(&(line, "#")) = first {
        let message = "a bare `#` as the first comment, which polib cannot read: write `# `".into();
        return Err(ParseError { line, message });
    }
    let mut blocks: Vec<Block> = Vec::new();
    // msgctxt, msgid and msgid_plural as written (polib's key) -> line.
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for entry in lines.split(|(_, line)| line.is_empty()) {
        let Some((block, key)) = check_entry(entry)? else {
            continue;
        };
        let error = |message: String| ParseError {
            line: block.line,
            message,
        };
        if blocks.is_empty() && key != "\u{4}" {
            return Err(error(
                "the first entry must be the header (msgid \"\")".into(),
            ));
        }
        if let Some(first) = first_line_of.insert(key, block.line) {
            return Err(error(format!("the same message as on line {first}")));
        }
        blocks.push(block);
    }
    if blocks.is_empty() {
        let message = "no header entry (msgid \"\")".into();
        return Err(ParseError { line: 1, message });
    }
    Ok(blocks)
}

/// Checks the lines of one entry (between blank lines); the entry and its key,
/// or `None` if they hold nothing but obsolete entries (`#~`).
fn check_entry(lines: &[(usize, &str)]) -> Result<Option<(Block, String)>, ParseError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Last {
        Nothing,
        Comment,
        Ctxt,
        Id,
        IdPlural,
        Str,
        StrN(usize),
    }
    let mut last = Last::Nothing;
    let mut block = Block::default();
    let mut key = String::new();
    for &(line_no, line) in lines {
        let err = |message: String| ParseError {
            line: line_no,
            message,
        };
        if line.starts_with(char::is_whitespace) {
            return Err(err("space at the start of the line".into()));
        }
        if line.starts_with("#~") {
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            if !matches!(last, Last::Nothing | Last::Comment) {
                let message = "a comment inside an entry (or no blank line before the next one)";
                return Err(err(message.into()));
            }
            if let Some(flags) = rest.strip_prefix(',') {
                block.fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            }
            last = Last::Comment;
            continue;
        }
        if line.ends_with(char::is_whitespace) {
            return Err(err("space at the end of the line".into()));
        }
        let (keyword, value) = match line.split_once(' ') {
            _ if line.starts_with('"') => ("", line),
            Some(split) => split,
            None => (line, ""),
        };
        let value = quoted(value).map_err(|m| err(format!("{keyword} {m}").trim().into()))?;
        let next_plural = match last {
            Last::StrN(n) => format!("msgstr[{}]", n + 1),
            _ => String::new(),
        };
        last = match (keyword, last) {
            ("", Last::Nothing | Last::Comment) => {
                return Err(err("string without a keyword before it".into()));
            }
            ("", _) => last,
            ("msgctxt", Last::Nothing | Last::Comment) => Last::Ctxt,
            ("msgid", Last::Nothing | Last::Comment | Last::Ctxt) => {
                block.line = line_no;
                key.push('\u{4}');
                Last::Id
            }
            ("msgid_plural", Last::Id) => {
                key.push('\u{0}');
                Last::IdPlural
            }
            ("msgstr", Last::Id) => Last::Str,
            ("msgstr[0]", Last::IdPlural) => Last::StrN(0),
            // polib knows msgstr[0] to msgstr[9].
            (_, Last::StrN(n)) if keyword == next_plural && n < 9 => Last::StrN(n + 1),
            ("msgctxt" | "msgid", Last::Str | Last::StrN(_)) => {
                let message = "right after a msgstr: entries are separated by a blank line";
                return Err(err(format!("{keyword} {message}")));
            }
            ("msgctxt" | "msgid" | "msgid_plural" | "msgstr", _) => {
                return Err(err(format!("{keyword} out of place")));
            }
            _ if keyword.starts_with("msgstr[") => {
                return Err(err(format!("{keyword} out of order")));
            }
            _ => return Err(err(format!("unknown keyword `{keyword}`"))),
        };
        if matches!(last, Last::Ctxt | Last::Id | Last::IdPlural) {
            key.push_str(value);
        }
    }
    let first_line = lines.first().map_or(0, |(n, _)| *n);
    let message = match last {
        Last::Nothing => return Ok(None),
        Last::Str | Last::StrN(_) => return Ok(Some((block, key))),
        Last::Comment => "comments without a message after them",
        _ => "msgid without a msgstr",
    };
    let line = if last == Last::Comment {
        first_line
    } else {
        block.line
    };
    Err(ParseError {
        line,
        message: message.into(),
    })
}

/// The inside of one C-style quoted PO string, `"a\"b\n"`, if it is well formed
/// (polib unescapes it).
fn quoted(s: &str) -> Result<&str, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| format!("expected a quoted string, found `{s}`"))?;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                // The escapes polib knows.
                Some('n' | 't' | 'r' | '"' | '\\') => {}
                Some(other) => return Err(format!("unknown escape `\\{other}`")),
                None => return Err("string ends with a backslash".into()),
            },
            '"' => return Err("unescaped `\"` inside a string".into()),
            _ => {}
        }
    }
    Ok(inner)
}

/// Shortens a message for display: first 60 characters, newlines shown as `\n`.
pub fn excerpt(msgid: &str) -> String {
    let mut out: String = msgid.chars().take(60).collect();
    if msgid.chars().count() > 60 {
        out.push('…');
    }
    out.replace('\n', "\\n")
}

/// A message as Markdown, parsed the way mdBook parses the book.
fn markdown(text: &str) -> impl Iterator<Item = (Event<'_>, std::ops::Range<usize>)> {
    Parser::new_ext(text, crate::codecheck::markdown_options()).into_offset_iter()
}

/// Markdown inline code spans (`x`, ``x``), each with its backticks, in order.
/// (Which text must stay as it is, and how it is compared, is by hand: our rules.)
pub fn code_spans(text: &str) -> Vec<&str> {
    markdown(text)
        .filter(|(event, _)| matches!(event, Event::Code(_)))
        .map(|(_, range)| &text[range])
        .collect()
}

/// Link destinations of Markdown links and images: `[text](target "title")`
/// yields `target`. Code spans are ignored.
pub fn link_targets(text: &str) -> Vec<String> {
    markdown(text)
        .filter_map(|(event, _)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.into_string())
            }
            _ => None,
        })
        .collect()
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

/// `{placeholders}` and `<kbd>keys</kbd>` of a message, in order.
fn placeholders_and_keys(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['{', '<']) {
        let (open, close) = if rest[start..].starts_with('{') {
            ("{", "}")
        } else if rest[start..].starts_with("<kbd>") {
            ("<kbd>", "</kbd>")
        } else {
            rest = &rest[start + 1..];
            continue;
        };
        let Some(end) = rest[start + open.len()..].find(close) else {
            break;
        };
        let end = start + open.len() + end + close.len();
        found.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    found
}

/// Problems of a translated interface message (one with a msgctxt, see
/// ci/tools/src/interface.rs): its placeholders and keys must all stay.
pub fn interface_problems(msgid: &str, msgstr: &str) -> Vec<String> {
    unbalanced(
        &placeholders_and_keys(msgid),
        &placeholders_and_keys(msgstr),
    )
    .into_iter()
    .map(|kept| format!("{kept} must stay exactly as it is"))
    .collect()
}

/// Result of checking one PO file against the POT.
pub struct PoReport {
    pub problems: Vec<String>,
    pub messages: usize,
}

/// Applies all `po-check` rules. `po_name` prefixes the problems.
pub fn check(po_name: &str, pot: &[Entry], po: &[Entry]) -> PoReport {
    let pot_keys: HashSet<_> = pot.iter().map(Entry::key).collect();
    let po_keys: HashSet<_> = po.iter().map(Entry::key).collect();
    let mut problems = Vec::new();

    for entry in po {
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
                let mut found = protected_text_problems(&entry.msgid, msgstr);
                if entry.msgctxt.is_some() {
                    found.extend(interface_problems(&entry.msgid, msgstr));
                }
                for p in found {
                    problems.push(format!("{at}: {p}"));
                }
            }
        }
    }
    for entry in pot {
        if !po_keys.contains(&entry.key()) {
            problems.push(format!(
                "{po_name}: missing message, run ci/refresh-po.sh: \"{}\"",
                excerpt(&entry.msgid)
            ));
        }
    }
    PoReport {
        problems,
        messages: po.len(),
    }
}

/// The msgstr for `msgid`: `Err` if there is no such entry or it is not translated.
pub fn lookup<'a>(entries: &'a [Entry], msgid: &str) -> Result<&'a str, String> {
    let entry = entries
        .iter()
        .find(|e| e.msgid == msgid)
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

    const HEADER: &str = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";

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

    /// A PO file: the header, then `entries`.
    fn po(entries: &str) -> String {
        format!("{HEADER}{entries}")
    }

    #[test]
    fn parses_multiline_and_escapes() {
        let entries = parse_ok(DE);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].msgid, "Hello");
        assert_eq!(entries[0].msgstr, ["Hallo"]);
        assert_eq!(entries[0].line, 7);
        assert_eq!(
            entries[1].msgid,
            "Run `cargo run` and open [the page](http://127.0.0.1:7878/)."
        );
        assert_eq!(entries[1].line, 12);
        assert!(!entries[1].fuzzy);
        assert_eq!(entries[2].msgid, "\"127.0.0.1:7878\"");
        assert_eq!(entries[2].line, 17);
        assert!(entries.iter().all(|e| e.msgid != "Old"));
    }

    #[test]
    fn parses_flags_context_plural() {
        let text = po(
            "#, fuzzy, rust-format\nmsgctxt \"menu\"\nmsgid \"a\\tb\\\\\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"\nmsgstr[1] \"\"\n\nmsgid \"next\"\nmsgstr \"n\"\n\n#,fuzzy\nmsgid \"f\"\nmsgstr \"F\"\n\n#, c-format\n#, fuzzy\nmsgid \"g\"\nmsgstr \"G\"\n",
        );
        let entries = parse_ok(&text);
        assert_eq!(entries.len(), 4);
        assert!(entries[0].fuzzy);
        assert_eq!(entries[0].msgctxt.as_deref(), Some("menu"));
        assert_eq!(entries[0].msgid, "a\tb\\");
        assert_eq!(entries[0].msgid_plural.as_deref(), Some("as"));
        assert_eq!(entries[0].msgstr, vec!["x", ""]);
        assert!(!entries[0].is_translated());
        assert!(!entries[1].fuzzy);
        assert_eq!(entries[1].msgctxt, None);
        assert_eq!(entries[1].line, 11);
        // polib does not see these two as fuzzy; we do.
        assert!(entries[2].fuzzy);
        assert!(entries[3].fuzzy);
    }

    #[test]
    fn reports_syntax_errors_with_line() {
        let line = |text: &str| parse(text).unwrap_err().line;
        assert_eq!(line("msgid \"a\"\nmsgstr \"b\n"), 2);
        assert_eq!(line("msgid \"a\"\nbogus \"b\"\n"), 2);
        assert_eq!(line("\"dangling\"\n"), 1);
        assert_eq!(line("msgid \"a\"\n\n"), 1);
        assert_eq!(line("msgid x\nmsgstr \"\"\n"), 1);
        assert_eq!(line("msgid \"a\\q\"\nmsgstr \"\"\n"), 1);
        assert_eq!(line("msgid \"a\"b\"\nmsgstr \"\"\n"), 1);
        // Lines that polib would misread.
        assert_eq!(
            line(&po(
                "msgid \"a\"\nmsgstr \"b\"\nmsgid \"c\"\nmsgstr \"d\"\n"
            )),
            6
        );
        assert_eq!(line(&po("msgid \"a\"\nmsgstr \"b\"\n#, fuzzy\n")), 6);
        assert_eq!(line(&po("  msgid \"a\"\nmsgstr \"b\"\n")), 4);
        assert_eq!(line(&po("msgid \"a\" \nmsgstr \"b\"\n")), 4);
        assert_eq!(line(&po("msgid  \"a\"\nmsgstr \"b\"\n")), 4);
        assert_eq!(
            line(&po("msgid \"a\"\nmsgid_plural \"b\"\nmsgstr \"c\"\n")),
            6
        );
        assert_eq!(line(&po("msgid \"a\"\nmsgstr[0] \"c\"\n")), 5);
        assert_eq!(
            line(&po("msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[1] \"c\"\n")),
            6
        );
        assert_eq!(line(&po("msgid \"a\"\nmsgstr \"b\"\n\n# lost\n")), 7);
        // Two entries for one message, and no header.
        assert_eq!(
            line(&po(
                "msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"\"\n\"a\"\nmsgstr \"c\"\n"
            )),
            7
        );
        assert_eq!(line("msgid \"a\"\nmsgstr \"b\"\n"), 1);
        assert_eq!(line(""), 1);
        assert_eq!(line("#~ msgid \"a\"\n"), 1);
        assert_eq!(line(&format!("#| x\n#\n{HEADER}")), 2);
        // Elsewhere a bare `#` is fine.
        assert!(parse(&format!("# x\n#\n{HEADER}#\nmsgid \"a\"\nmsgstr \"b\"\n")).is_ok());
    }

    #[test]
    fn obsolete_and_previous_lines_are_comments() {
        let text = po(
            "#, fuzzy\n#| msgid \"Hallo\"\nmsgid \"Hello\"\nmsgstr \"Hallo\"\n\n#~ msgid \"x\"\n#~ msgstr \"y\"\n",
        );
        let entries = parse_ok(&text);
        assert_eq!(entries.len(), 1);
        assert!(entries[0].fuzzy);
        assert_eq!(entries[0].line, 6);
    }

    #[test]
    fn finds_code_spans() {
        assert_eq!(
            code_spans("a `x` and ``y ` z`` \\`no` `unclosed"),
            vec!["`x`", "``y ` z``", "` `"]
        );
        assert_eq!(code_spans("``` a"), Vec::<&str>::new());
        assert_eq!(
            code_spans("// `_stream` is dropped here.\n"),
            vec!["`_stream`"]
        );
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
    fn untranslated_plural_form_fails() {
        let pot = parse_ok(&po(
            "msgid \"one\"\nmsgid_plural \"many\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n",
        ));
        let half = po("msgid \"one\"\nmsgid_plural \"many\"\nmsgstr[0] \"eins\"\nmsgstr[1] \"\"\n");
        assert_eq!(
            check("de.po", &pot, &parse_ok(&half)).problems,
            vec!["de.po:4: untranslated: \"one\""]
        );
        let full = half.replace("[1] \"\"", "[1] \"viele\"");
        assert!(check("de.po", &pot, &parse_ok(&full)).problems.is_empty());
    }

    #[test]
    fn context_tells_messages_apart() {
        let pot = parse_ok(&po(
            "msgctxt \"a\"\nmsgid \"x\"\nmsgstr \"\"\n\nmsgid \"x\"\nmsgstr \"\"\n",
        ));
        let de = parse_ok(&po(
            "msgctxt \"b\"\nmsgid \"x\"\nmsgstr \"X\"\n\nmsgid \"x\"\nmsgstr \"X\"\n",
        ));
        assert_eq!(
            check("de.po", &pot, &de).problems,
            vec![
                "de.po:5: stale message that is no longer in the book, run ci/refresh-po.sh: \"x\"",
                "de.po: missing message, run ci/refresh-po.sh: \"x\"",
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
        let pot = parse_ok(&po("msgid \"Use `x`\"\nmsgstr \"\"\n"));
        let de = parse_ok(&po("msgid \"Use `x`\"\nmsgstr \"Nimm `y`\"\n"));
        assert_eq!(
            check("po/pt-BR.po", &pot, &de).problems,
            vec!["po/pt-BR.po:4: inline code `x` must stay exactly as it is"]
        );
    }

    #[test]
    fn interface_placeholders_and_keys_must_stay() {
        let pot = parse_ok(&po(
            "msgctxt \"ui\"\nmsgid \"Press <kbd>?</kbd> for {what}\"\nmsgstr \"\"\n\nmsgid \"{x}\"\nmsgstr \"\"\n",
        ));
        let good = po(
            "msgctxt \"ui\"\nmsgid \"Press <kbd>?</kbd> for {what}\"\nmsgstr \"{what}: <kbd>?</kbd>\"\n\nmsgid \"{x}\"\nmsgstr \"y\"\n",
        );
        assert!(check("de.po", &pot, &parse_ok(&good)).problems.is_empty());
        let bad = good.replace("{what}: <kbd>?</kbd>", "{was}: <kbd>F1</kbd>");
        assert_eq!(
            check("de.po", &pot, &parse_ok(&bad)).problems,
            vec![
                "de.po:5: <kbd>?</kbd> must stay exactly as it is",
                "de.po:5: {what} must stay exactly as it is",
            ]
        );
    }

    #[test]
    fn lookup_msgstr() {
        let entries = parse_ok(DE);
        assert_eq!(lookup(&entries, "Hello"), Ok("Hallo"));
        assert!(lookup(&entries, "Missing").is_err());
        assert!(lookup(&entries, "").is_err());
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
