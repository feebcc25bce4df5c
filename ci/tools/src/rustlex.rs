//! Rust listings as tokens, to compare two listings token by token: rustc's lexer
//! (ra-ap-rustc_lexer), and which string literals are messages for people.

use ra_ap_rustc_lexer::{FrontmatterAllowed, LiteralKind, TokenKind, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Lifetime,
    /// Any string literal: "..", b"..", r#".."#, c"..", ...
    Str,
    Char,
    Number,
    Punct,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// The exact source text of the token.
    pub text: String,
    /// 1-based line within the lexed text.
    pub line: usize,
}

impl Token {
    /// For string literals: the text between the quotes (escapes left as written).
    pub fn string_body(&self) -> &str {
        let t = &self.text;
        let start = t.find('"').map_or(0, |i| i + 1);
        let end = t.rfind('"').filter(|&e| e >= start).unwrap_or(t.len());
        &t[start..end]
    }

    /// True for raw strings (`r".."`, `br#".."#`, `cr".."`), where `\` is not an escape.
    pub fn is_raw_string(&self) -> bool {
        self.kind == Kind::Str && self.text[..self.text.find('"').unwrap_or(0)].contains('r')
    }
}

/// Splits Rust source into tokens, without comments and whitespace, with rustc's
/// own lexer. It never fails: an unterminated literal or comment runs to the end.
pub fn lex(src: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let (mut pos, mut line) = (0, 1);
    for token in tokenize(src, FrontmatterAllowed::No) {
        let text = &src[pos..pos + token.len as usize];
        let kind = match token.kind {
            TokenKind::Whitespace
            | TokenKind::LineComment { .. }
            | TokenKind::BlockComment { .. }
            | TokenKind::Frontmatter { .. } => None,
            TokenKind::Ident
            | TokenKind::RawIdent
            | TokenKind::InvalidIdent
            | TokenKind::UnknownPrefix
            | TokenKind::ForcedKeywordIdent => Some(Kind::Ident),
            TokenKind::Lifetime { .. }
            | TokenKind::RawLifetime
            | TokenKind::UnknownPrefixLifetime => Some(Kind::Lifetime),
            TokenKind::Literal { kind, .. } => Some(match kind {
                LiteralKind::Int { .. } | LiteralKind::Float { .. } => Kind::Number,
                LiteralKind::Char { .. } | LiteralKind::Byte { .. } => Kind::Char,
                _ => Kind::Str,
            }),
            _ => Some(Kind::Punct),
        };
        if let Some(kind) = kind {
            tokens.push(Token {
                kind,
                text: text.to_string(),
                line,
            });
        }
        pos += text.len();
        line += text.matches('\n').count();
    }
    tokens
}

// By hand: rustc_parse_format wants the unescaped text and drops `{{`/`}}`, which must stay too.

/// Format placeholders of a string literal body, in order: `{}`, `{name:?}`, and the
/// escapes `{{` / `}}` (which must not change either).
pub fn placeholders(body: &str, raw: bool) -> Vec<String> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            // `\u{1F600}` and other escapes are not placeholders.
            '\\' if !raw => {
                i += 2;
                if chars.get(i - 1) == Some(&'u') && chars.get(i) == Some(&'{') {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            '{' if chars.get(i + 1) == Some(&'{') => {
                out.push("{{".to_string());
                i += 2;
            }
            '}' if chars.get(i + 1) == Some(&'}') => {
                out.push("}}".to_string());
                i += 2;
            }
            '{' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .map_or(chars.len(), |p| i + p + 1);
                out.push(chars[i..end].iter().collect());
                i = end;
            }
            '}' => {
                out.push("}".to_string());
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

// By hand: which arguments are messages for people is this book's rule.
const MESSAGE_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
];

/// Indexes of the string-literal tokens that are human-facing messages: the first
/// argument of `println!` and friends, the message arguments of `assert!`,
/// `assert_eq!`, `assert_ne!`, and the argument of `.expect(..)`.
pub fn human_facing(tokens: &[Token]) -> Vec<usize> {
    let is = |i: usize, kind: Kind, text: &str| {
        tokens
            .get(i)
            .is_some_and(|t| t.kind == kind && t.text == text)
    };
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != Kind::Ident {
            continue;
        }
        let name = token.text.as_str();
        let first_message_arg = match name {
            _ if MESSAGE_MACROS.contains(&name) => 0,
            "assert" => 1,
            "assert_eq" | "assert_ne" => 2,
            "expect" if i > 0 && is(i - 1, Kind::Punct, ".") && is(i + 1, Kind::Punct, "(") => {
                let args = arguments(tokens, i + 1);
                if let [only] = args.as_slice() {
                    found.extend(single_string(tokens, only));
                }
                continue;
            }
            _ => continue,
        };
        if !is(i + 1, Kind::Punct, "!") {
            continue;
        }
        let args = arguments(tokens, i + 2);
        for arg in args.iter().skip(first_message_arg) {
            found.extend(single_string(tokens, arg));
            if MESSAGE_MACROS.contains(&name) {
                break;
            }
        }
    }
    found
}

fn single_string(tokens: &[Token], range: &std::ops::Range<usize>) -> Option<usize> {
    (range.len() == 1 && tokens[range.start].kind == Kind::Str).then_some(range.start)
}

/// The top-level comma-separated arguments of the delimited group opening at `open`
/// (`(`, `[` or `{`), as token index ranges. Empty if there is no group there.
fn arguments(tokens: &[Token], open: usize) -> Vec<std::ops::Range<usize>> {
    let is_open = |t: &Token| t.kind == Kind::Punct && matches!(t.text.as_str(), "(" | "[" | "{");
    let is_close = |t: &Token| t.kind == Kind::Punct && matches!(t.text.as_str(), ")" | "]" | "}");
    if !tokens.get(open).is_some_and(is_open) {
        return Vec::new();
    }
    let mut args = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    for (i, t) in tokens.iter().enumerate().skip(open + 1) {
        if is_open(t) {
            depth += 1;
        } else if is_close(t) {
            if depth == 0 {
                if start < i {
                    args.push(start..i);
                }
                return args;
            }
            depth -= 1;
        } else if depth == 0 && t.kind == Kind::Punct && t.text == "," {
            args.push(start..i);
            start = i + 1;
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        lex(src).into_iter().map(|t| t.text).collect()
    }

    fn kinds(src: &str) -> Vec<Kind> {
        lex(src).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn drops_comments_and_whitespace() {
        let src = "// line\n/// doc\n//! inner\nfn /* a /* nested */ b */ main() {}\n";
        assert_eq!(texts(src), vec!["fn", "main", "(", ")", "{", "}"]);
        assert_eq!(lex(src)[0].line, 4);
    }

    #[test]
    fn string_literals() {
        let src =
            r####""a \" // no comment" b"x" r"raw\" r#"has "quotes""# br##"b"#"## c"c" cr"d""####;
        assert_eq!(
            texts(src),
            vec![
                r#""a \" // no comment""#,
                r#"b"x""#,
                r#"r"raw\""#,
                r##"r#"has "quotes""#"##,
                r###"br##"b"#"##"###,
                r#"c"c""#,
                r#"cr"d""#,
            ]
        );
        assert!(kinds(src).iter().all(|k| *k == Kind::Str));
        assert_eq!(lex("\"a\nb\" x")[1].line, 2);
    }

    #[test]
    fn chars_and_lifetimes() {
        let src = "'a' 'a '\\n' '\\'' 'static b'x' '\\u{1F600}' 'é' x: &'_ str";
        assert_eq!(
            kinds(src),
            vec![
                Kind::Char,
                Kind::Lifetime,
                Kind::Char,
                Kind::Char,
                Kind::Lifetime,
                Kind::Char,
                Kind::Char,
                Kind::Char,
                Kind::Ident,
                Kind::Punct,
                Kind::Punct,
                Kind::Lifetime,
                Kind::Ident,
            ]
        );
    }

    #[test]
    fn numbers_identifiers_punct() {
        assert_eq!(
            texts("0..10 1.5e-3 0xFF_u8 x.0 r#type über 7878u16"),
            vec![
                "0", ".", ".", "10", "1.5e-3", "0xFF_u8", "x", ".", "0", "r#type", "über",
                "7878u16"
            ]
        );
        assert_eq!(texts("a::b->c"), vec!["a", ":", ":", "b", "-", ">", "c"]);
    }

    #[test]
    fn unterminated_input_does_not_fail() {
        assert_eq!(texts("\"open").len(), 1);
        assert_eq!(texts("/* open").len(), 0);
        assert_eq!(texts("r#\"open").len(), 1);
        assert_eq!(texts("'").len(), 1);
    }

    #[test]
    fn finds_placeholders() {
        assert_eq!(
            placeholders("Hi {}, {name:?} {{x}} {0:>5} \\u{1F600}", false),
            vec!["{}", "{name:?}", "{{", "}}", "{0:>5}"]
        );
        assert!(placeholders("none", false).is_empty());
    }

    #[test]
    fn finds_human_facing_strings() {
        let src = r#"
            println!("a {}", "not a message");
            let s = format!("not a message");
            stream.write_all(b"no").unwrap();
            listener.accept().expect("message");
            x.expect(&format!("no"));
            assert!(ok, "message {}", "message");
            assert_eq!("no", "no", "message");
            panic!{"message"};
            not_expect("no");
        "#;
        let tokens = lex(src);
        let strings: Vec<&str> = human_facing(&tokens)
            .into_iter()
            .map(|i| tokens[i].text.as_str())
            .collect();
        assert_eq!(
            strings,
            vec![
                "\"a {}\"",
                "\"message\"",
                "\"message {}\"",
                "\"message\"",
                "\"message\"",
                "\"message\""
            ]
        );
    }
}
