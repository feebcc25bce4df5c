//! A small, forgiving Rust lexer: enough to compare two listings token by token.
//! Comments (including doc comments) and whitespace are dropped. Malformed input
//! never fails: an unterminated literal or comment simply runs to the end.

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

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    tokens: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, kind: Kind, start: usize, line: usize) {
        let text = self.chars[start..self.pos].iter().collect();
        self.tokens.push(Token { kind, text, line });
    }

    fn skip_line_comment(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                break;
            }
            self.bump();
        }
    }

    fn skip_block_comment(&mut self) {
        self.pos += 2;
        let mut depth = 1;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (None, _) => return,
                (Some('/'), Some('*')) => {
                    self.pos += 2;
                    depth += 1;
                }
                (Some('*'), Some('/')) => {
                    self.pos += 2;
                    depth -= 1;
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// After the opening quote of a non-raw string or char: up to and including `close`.
    fn quoted(&mut self, close: char) {
        while let Some(c) = self.bump() {
            if c == '\\' {
                self.bump();
            } else if c == close {
                return;
            }
        }
    }

    /// At `#...#"` after the `r` of a raw string: up to and including the closing `"#...#`.
    fn raw(&mut self) {
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            hashes += 1;
            self.pos += 1;
        }
        self.bump(); // the opening quote
        while let Some(c) = self.bump() {
            if c == '"' && (0..hashes).all(|i| self.peek(i) == Some('#')) {
                self.pos += hashes;
                return;
            }
        }
    }

    /// Is there a raw string opening (`#*"`) at `pos + ahead`?
    fn raw_opening_at(&self, ahead: usize) -> bool {
        let mut i = ahead;
        while self.peek(i) == Some('#') {
            i += 1;
        }
        self.peek(i) == Some('"')
    }

    fn number(&mut self) {
        let start = self.pos;
        let hex = self.peek(0) == Some('0') && matches!(self.peek(1), Some('x' | 'X'));
        while let Some(c) = self.peek(0) {
            let exponent_sign = !hex
                && matches!(c, '+' | '-')
                && matches!(self.chars.get(self.pos - 1), Some('e' | 'E'))
                && self.peek(1).is_some_and(|d| d.is_ascii_digit());
            let fraction = c == '.'
                && self.peek(1).is_some_and(|d| d.is_ascii_digit())
                && !self.chars[start..self.pos].contains(&'.');
            if is_ident_continue(c) || exponent_sign || fraction {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn run(mut self) -> Vec<Token> {
        while let Some(c) = self.peek(0) {
            let start = self.pos;
            let line = self.line;
            match c {
                c if c.is_whitespace() => {
                    self.bump();
                }
                '/' if self.peek(1) == Some('/') => self.skip_line_comment(),
                '/' if self.peek(1) == Some('*') => self.skip_block_comment(),
                '"' => {
                    self.pos += 1;
                    self.quoted('"');
                    self.push(Kind::Str, start, line);
                }
                '\'' => {
                    let is_char = self.peek(1) == Some('\\')
                        || (self.peek(2) == Some('\'') && self.peek(1) != Some('\''));
                    self.pos += 1;
                    if is_char {
                        self.quoted('\'');
                        self.push(Kind::Char, start, line);
                    } else {
                        while self.peek(0).is_some_and(is_ident_continue) {
                            self.pos += 1;
                        }
                        self.push(Kind::Lifetime, start, line);
                    }
                }
                c if c.is_ascii_digit() => {
                    self.number();
                    self.push(Kind::Number, start, line);
                }
                c if is_ident_start(c) => self.ident_or_prefixed_literal(start, line),
                _ => {
                    self.pos += 1;
                    self.push(Kind::Punct, start, line);
                }
            }
        }
        self.tokens
    }

    fn ident_or_prefixed_literal(&mut self, start: usize, line: usize) {
        let (p0, p1) = (self.peek(0), self.peek(1));
        match (p0, p1) {
            // b"..", c".."
            (Some('b' | 'c'), Some('"')) => {
                self.pos += 2;
                self.quoted('"');
                self.push(Kind::Str, start, line);
            }
            // b'x'
            (Some('b'), Some('\'')) => {
                self.pos += 2;
                self.quoted('\'');
                self.push(Kind::Char, start, line);
            }
            // br"..", cr#".."#
            (Some('b' | 'c'), Some('r')) if self.raw_opening_at(2) => {
                self.pos += 2;
                self.raw();
                self.push(Kind::Str, start, line);
            }
            // r"..", r#".."#
            (Some('r'), _) if self.raw_opening_at(1) => {
                self.pos += 1;
                self.raw();
                self.push(Kind::Str, start, line);
            }
            _ => {
                // r#ident is a raw identifier.
                if p0 == Some('r') && p1 == Some('#') && self.peek(2).is_some_and(is_ident_start) {
                    self.pos += 2;
                }
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.pos += 1;
                }
                self.push(Kind::Ident, start, line);
            }
        }
    }
}

/// Splits Rust source into tokens, without comments and whitespace.
pub fn lex(src: &str) -> Vec<Token> {
    Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        tokens: Vec::new(),
    }
    .run()
}

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
