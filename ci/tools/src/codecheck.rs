//! `code-check`: the code blocks of a translated book must match the English ones,
//! except comments and printed messages in Rust code.

use crate::rustlex::{self, Kind, Token};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::path::Path;

/// A fenced code block of a Markdown file.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub info: String,
    /// Line of the opening fence (1-based).
    pub line: usize,
    pub content: String,
}

impl Block {
    fn language(&self) -> &str {
        self.info
            .split([',', ' ', '\t'])
            .next()
            .unwrap_or("")
            .trim()
    }

    /// Line of the closing fence (or of the end of the file), relative to `line`.
    fn end_offset(&self) -> usize {
        self.content.lines().count() + 1
    }
}

/// The Markdown extensions mdBook 0.5 turns on (by default).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// Fenced code blocks (``` or ~~~), in order, as mdBook's Markdown parser sees them.
pub fn code_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    line: markdown[..range.start].matches('\n').count() + 1,
                    content: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.content.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

const ONLY: &str = " (only comments and printed messages may be translated)";

fn shorten(text: &str) -> String {
    if text.chars().count() > 80 {
        let mut s: String = text.chars().take(80).collect();
        s.push('…');
        s
    } else {
        text.to_string()
    }
}

fn describe(placeholders: &[String]) -> String {
    if placeholders.is_empty() {
        "no placeholders".to_string()
    } else {
        placeholders.join(" ")
    }
}

// By hand from here on: what a translation may change is this book's rule.

/// The first difference between two Rust blocks that is not allowed, as
/// (line relative to the translated opening fence, message).
pub fn compare_rust(english: &Block, translated: &Block) -> Option<(usize, String)> {
    let a = rustlex::lex(&english.content);
    let b = rustlex::lex(&translated.content);
    let ha: HashSet<usize> = rustlex::human_facing(&a).into_iter().collect();
    let hb: HashSet<usize> = rustlex::human_facing(&b).into_iter().collect();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => (x, y),
            (Some(x), None) => {
                return Some((
                    translated.end_offset(),
                    format!(
                        "code differs: expected `{}`, found the end of the block{ONLY}",
                        shorten(&x.text)
                    ),
                ));
            }
            (None, Some(y)) => {
                return Some((
                    y.line,
                    format!(
                        "code differs: found `{}` after the end of the English listing{ONLY}",
                        shorten(&y.text)
                    ),
                ));
            }
            (None, None) => unreachable!("the loop stops at the longer sequence"),
        };
        if let Some(problem) = compare_tokens(x, y, ha.contains(&i) && hb.contains(&i)) {
            return Some((y.line, problem));
        }
    }
    None
}

fn compare_tokens(x: &Token, y: &Token, message: bool) -> Option<String> {
    if message && x.kind == Kind::Str && y.kind == Kind::Str {
        let px = rustlex::placeholders(x.string_body(), x.is_raw_string());
        let py = rustlex::placeholders(y.string_body(), y.is_raw_string());
        return (px != py).then(|| {
            format!(
                "printed message {} must keep the placeholders of {} ({}), found {}{ONLY}",
                shorten(&y.text),
                shorten(&x.text),
                describe(&px),
                describe(&py)
            )
        });
    }
    if x == y || (x.kind == y.kind && x.text == y.text) {
        return None;
    }
    Some(if x.kind == Kind::Str && y.kind == Kind::Str {
        format!(
            "string literal {} became {}{ONLY}",
            shorten(&x.text),
            shorten(&y.text)
        )
    } else {
        format!(
            "code differs: expected `{}`, found `{}`{ONLY}",
            shorten(&x.text),
            shorten(&y.text)
        )
    })
}

/// The first difference between two blocks, as (absolute line in the translated file, message).
pub fn compare_blocks(english: &Block, translated: &Block) -> Option<(usize, String)> {
    if english.language() == "rust"
        && translated.language() == "rust"
        && english.info == translated.info
    {
        return compare_rust(english, translated).map(|(line, m)| (translated.line + line, m));
    }
    if english.info != translated.info {
        return Some((
            translated.line,
            format!(
                "code block info string \"{}\" became \"{}\"",
                english.info, translated.info
            ),
        ));
    }
    if english.content == translated.content {
        return None;
    }
    let mut a = english.content.lines();
    let mut b = translated.content.lines();
    let mut offset = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => offset += 1,
            (_, None) => {
                offset = offset.min(translated.end_offset());
                break;
            }
            _ => break,
        }
    }
    Some((
        translated.line + offset,
        "this code block differs from the English one".to_string(),
    ))
}

/// How many characters a line of a translated listing may be wider than the
/// widest line of the English listing: a little more room for a longer word.
pub const WIDER_BY: usize = 8;

/// The widest line a listing shows without a horizontal scrollbar on a desktop
/// browser, in characters (mdBook 0.5's layout, measured in Chromium at 1024,
/// 1280 and 1920 pixels): a translation may not go past it unless English does.
pub const SCROLL_COLUMNS: usize = 86;

/// The lines a reader sees, as (line relative to the opening fence, width in
/// characters): mdBook hides the lines of a Rust block that start with `# `.
fn shown_lines(block: &Block) -> impl Iterator<Item = (usize, usize)> + '_ {
    let rust = block.language() == "rust";
    (block.content.lines().enumerate())
        .filter(move |(_, line)| {
            let t = line.trim_start();
            !(rust && (t == "#" || t.starts_with("# ")))
        })
        .map(|(i, line)| (i + 1, line.chars().count()))
}

/// The widest a line of the translation of `english` may be.
pub fn width_limit(english: &Block) -> usize {
    let widest = shown_lines(english).map(|(_, w)| w).max().unwrap_or(0);
    widest.max((widest + WIDER_BY).min(SCROLL_COLUMNS))
}

/// A translated listing keeps the English one's lines, each where it is (the
/// book names lines by number), and adds no scrollbar: no line wider than
/// [`width_limit`]. As (absolute line in the translated file, message).
pub fn compare_layout(english: &Block, translated: &Block) -> Vec<(usize, String)> {
    let (a, b) = (
        english.content.lines().count(),
        translated.content.lines().count(),
    );
    if a != b {
        return vec![(
            translated.line,
            format!(
                "this listing has {b} lines, the English one {a}: a translation keeps every \
                 line where it is (rewrap the comment within its lines)"
            ),
        )];
    }
    let limit = width_limit(english);
    let widest = shown_lines(english).map(|(_, w)| w).max().unwrap_or(0);
    shown_lines(translated)
        .filter(|&(_, width)| width > limit)
        .map(|(offset, width)| {
            (
                translated.line + offset,
                if widest >= SCROLL_COLUMNS {
                    format!(
                        "this line is {width} characters wide: the English listing scrolls \
                         already, and a translated line may not be wider than its widest, {limit}"
                    )
                } else {
                    format!(
                        "this line is {width} characters wide: a translated line may be {limit} \
                         (the English listing's widest, {widest}, plus up to {WIDER_BY}, but not \
                         past {SCROLL_COLUMNS}, where a listing scrolls)"
                    )
                },
            )
        })
        .collect()
}

/// Problems of one translated Markdown file, and the number of blocks compared.
pub fn check_file(path: &str, english: &str, translated: &str) -> (Vec<String>, usize) {
    let a = code_blocks(english);
    let b = code_blocks(translated);
    if a.len() != b.len() {
        return (
            vec![format!(
                "{path}: has {} code blocks, the English file has {}",
                b.len(),
                a.len()
            )],
            0,
        );
    }
    let problems = a
        .iter()
        .zip(&b)
        // The layout of a listing whose code differs would only repeat that.
        .flat_map(|(x, y)| compare_blocks(x, y).map_or_else(|| compare_layout(x, y), |p| vec![p]))
        .map(|(line, message)| format!("{path}:{line}: {message}"))
        .collect();
    (problems, a.len())
}

pub struct CodeReport {
    pub problems: Vec<String>,
    pub blocks: usize,
    pub files: usize,
}

/// Compares every `.md` file under `english_dir` with the same file under `translated_dir`.
pub fn check_dirs(english_dir: &Path, translated_dir: &Path) -> Result<CodeReport, String> {
    let files = crate::walk_files(english_dir)?;
    let mut report = CodeReport {
        problems: Vec::new(),
        blocks: 0,
        files: 0,
    };
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
    {
        let rel = file.strip_prefix(english_dir).unwrap_or(file);
        let other = translated_dir.join(rel);
        let shown = other.display().to_string();
        if !other.is_file() {
            report.problems.push(format!(
                "{shown}: missing, but the English book has {}",
                file.display()
            ));
            continue;
        }
        let english = crate::read_text(file)?;
        let translated = crate::read_text(&other)?;
        let (problems, blocks) = check_file(&shown, &english, &translated);
        report.problems.extend(problems);
        report.blocks += blocks;
        report.files += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = r#"# Listen

```rust,ignore
use std::net::TcpListener;

fn main() {
    // Listen on port 7878.
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    for stream in listener.incoming() {
        let stream = stream.expect("connection failed");
        println!("Connection established from {}!", stream.peer_addr().unwrap());
    }
}
```

  ~~~~console
  $ cargo run
  ```
  not a fence end
  ~~~~

```
plain
```
"#;

    fn translate(replacements: &[(&str, &str)]) -> String {
        let mut text = EN.replace("# Listen", "# Lauschen");
        for (from, to) in replacements {
            assert!(text.contains(from), "fixture lacks {from}");
            text = text.replacen(from, to, 1);
        }
        text
    }

    fn problems(translated: &str) -> Vec<String> {
        check_file("de/ch01.md", EN, translated).0
    }

    #[test]
    fn extracts_fenced_blocks() {
        let blocks = code_blocks(EN);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].info, "rust,ignore");
        assert_eq!(blocks[0].language(), "rust");
        assert_eq!(blocks[0].line, 3);
        assert_eq!(blocks[1].info, "console");
        assert_eq!(blocks[1].line, 16);
        assert_eq!(blocks[1].content, "$ cargo run\n```\nnot a fence end\n");
        assert_eq!(blocks[2].info, "");
        assert_eq!(blocks[2].content, "plain\n");
        assert_eq!(code_blocks("    ```\nindented code\n").len(), 0);
        assert_eq!(code_blocks("``` a`b\n").len(), 0);
        let unclosed = code_blocks("```text\nruns to the end\n");
        assert_eq!(unclosed[0].content, "runs to the end\n");
    }

    #[test]
    fn translated_comments_and_messages_pass() {
        let de = translate(&[
            ("// Listen on port 7878.", "// Lausche auf Port 7878."),
            ("\"connection failed\"", "\"Verbindung fehlgeschlagen\""),
            (
                "\"Connection established from {}!\"",
                "r#\"Verbindung von {} hergestellt!\"#",
            ),
        ]);
        assert_eq!(problems(&de), Vec::<String>::new());
        assert_eq!(check_file("x", EN, &de).1, 3);
    }

    #[test]
    fn changed_string_literal_fails() {
        let de = translate(&[("127.0.0.1:7878", "127.0.0.1:8080")]);
        assert_eq!(
            problems(&de),
            vec![format!(
                "de/ch01.md:8: string literal \"127.0.0.1:7878\" became \"127.0.0.1:8080\"{ONLY}"
            )]
        );
    }

    #[test]
    fn changed_identifier_fails() {
        let de = translate(&[("for stream in", "for anfrage in")]);
        assert_eq!(
            problems(&de),
            vec![format!(
                "de/ch01.md:9: code differs: expected `stream`, found `anfrage`{ONLY}"
            )]
        );
    }

    #[test]
    fn changed_placeholders_fail() {
        let de = translate(&[(
            "\"Connection established from {}!\"",
            "\"Verbindung {:?}!\"",
        )]);
        let p = problems(&de);
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("de/ch01.md:11: printed message \"Verbindung {:?}!\""),
            "{}",
            p[0]
        );
    }

    #[test]
    fn missing_and_extra_code_fail() {
        let de = translate(&[("    }\n}\n```", "    }\n```")]);
        assert_eq!(
            problems(&de),
            vec![format!(
                "de/ch01.md:13: code differs: expected `}}`, found the end of the block{ONLY}"
            )]
        );
        let de = translate(&[("    }\n}\n```", "    }\n}\n}\n```")]);
        assert_eq!(
            problems(&de),
            vec![format!(
                "de/ch01.md:14: code differs: found `}}` after the end of the English listing{ONLY}"
            )]
        );
    }

    #[test]
    fn changed_other_block_fails() {
        let de = translate(&[("not a fence end", "kein Ende")]);
        assert_eq!(
            problems(&de),
            vec!["de/ch01.md:19: this code block differs from the English one"]
        );
        let de = translate(&[("plain\n", "plain\nmore\n")]);
        assert_eq!(
            problems(&de),
            vec!["de/ch01.md:24: this code block differs from the English one"]
        );
        let de = translate(&[("```rust,ignore", "```rust")]);
        assert_eq!(
            problems(&de),
            vec!["de/ch01.md:3: code block info string \"rust,ignore\" became \"rust\""]
        );
    }

    #[test]
    fn a_translated_line_may_be_a_little_wider_than_the_english_listing() {
        let listing = "```rust\n// Short.\nfn main() {}\n```\n";
        let comment = |width: usize| {
            let text = format!("// {}", "ü".repeat(width - 3));
            listing.replace("// Short.", &text)
        };
        assert_eq!(
            check_file("x", listing, &comment(12 + WIDER_BY)).0,
            Vec::<String>::new()
        );
        assert_eq!(
            check_file("x", listing, &comment(13 + WIDER_BY)).0,
            vec![format!(
                "x:2: this line is {} characters wide: a translated line may be {} (the English \
                 listing's widest, 12, plus up to {WIDER_BY}, but not past {SCROLL_COLUMNS}, \
                 where a listing scrolls)",
                13 + WIDER_BY,
                12 + WIDER_BY
            )]
        );
        // Never past the width where a listing scrolls, unless English is.
        let wide = listing.replace(
            "// Short.",
            &format!("// {}", "x".repeat(SCROLL_COLUMNS - 5)),
        );
        assert_eq!(width_limit(&code_blocks(&wide)[0]), SCROLL_COLUMNS);
        let wider = listing.replace("// Short.", &format!("// {}", "x".repeat(SCROLL_COLUMNS)));
        assert_eq!(width_limit(&code_blocks(&wider)[0]), SCROLL_COLUMNS + 3);
        // Lines mdBook hides do not count.
        let hidden = "```rust\n# // a hidden line, as wide as it likes to be\nfn main() {}\n```\n";
        assert_eq!(width_limit(&code_blocks(hidden)[0]), 12 + WIDER_BY);
        let de = hidden.replace(
            "as wide as it likes",
            "so breit, wie sie mag, und noch viel breiter",
        );
        assert_eq!(check_file("x", hidden, &de).0, Vec::<String>::new());
        // Every line counts, in other blocks too.
        let toml = "```toml\n[package]\n```\n";
        assert_eq!(check_file("x", toml, toml).0, Vec::<String>::new());
    }

    #[test]
    fn a_translated_listing_keeps_its_lines() {
        let de = translate(&[(
            "// Listen on port 7878.",
            "// Lausche auf Port 7878,\n    // auf zwei Zeilen.",
        )]);
        assert_eq!(
            problems(&de),
            vec![
                "de/ch01.md:3: this listing has 11 lines, the English one 10: a translation keeps \
                 every line where it is (rewrap the comment within its lines)"
            ]
        );
    }

    #[test]
    fn block_count_must_match() {
        let de = translate(&[("```\nplain\n```\n", "")]);
        assert_eq!(
            problems(&de),
            vec!["de/ch01.md: has 2 code blocks, the English file has 3"]
        );
    }
}
