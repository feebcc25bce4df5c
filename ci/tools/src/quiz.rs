//! The quizzes at the end of the chapters: src/quizzes/chNN.toml, rendered by
//! mdbook-quiz 0.5.0 (`{{#quiz quizzes/chNN.toml}}` at the end of a chapter).
//!
//! - `quiz-pot` writes every translatable string of every quiz as a catalogue
//!   (msgctxt `quiz chNN`) that `extract_pot` (ci/lib.sh) merges into
//!   po/messages.pot, so translators find them in po/<language>.po like every
//!   other message, and `po-check` covers them. Markdown is split into its
//!   blocks as mdbook-xgettext splits a chapter; code blocks, tracing
//!   programs, their output and the ids are not messages.
//! - `quiz-apply` translates the quizzes in the HTML mdBook built for a
//!   translation: mdbook-quiz puts each quiz, as JSON, in the
//!   `data-quiz-questions` attribute of a `div.quiz-placeholder`, and its
//!   script renders the quiz from there in the browser.
//! - `quiz-widget` makes the quiz's own interface ("Start", "Question 1",
//!   "Submit", ...) speak the page's language: it replaces the English strings
//!   of mdbook-quiz's script by calls to theme/interface.js, which knows the
//!   translations (the strings are in [`crate::interface::MESSAGES`]).
//! - `quiz-check` checks the quizzes' shape and proves the answer of every
//!   tracing question by compiling and running its program.

use crate::po::Entry;
use pulldown_cmark::{Event, Parser, Tag};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The version of mdbook-quiz whose script `quiz-widget` knows (ci/lib.sh pins it).
pub const MDBOOK_QUIZ: &str = "mdbook-quiz 0.5.0";

/// The context of a quiz's strings in the po files: `quiz ch05`.
pub fn context(name: &str) -> String {
    format!("quiz {name}")
}

/// One quiz file, read as the JSON that mdbook-quiz puts into the page.
pub struct QuizFile {
    /// The file's stem, `ch05`: mdbook-quiz's name for the quiz.
    pub name: String,
    pub path: PathBuf,
    pub value: Value,
}

/// Every `*.toml` under `dir`, sorted by path.
pub fn load(dir: &Path) -> Result<Vec<QuizFile>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such directory", dir.display()));
    }
    let mut quizzes = Vec::new();
    for path in crate::walk_files(dir)? {
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = crate::read_text(&path)?;
        let value: Value = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        quizzes.push(QuizFile { name, path, value });
    }
    Ok(quizzes)
}

/// How a string of a quiz is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Rendered as Markdown: one message per block.
    Markdown,
    /// Typed by the reader (a short answer): one message.
    Plain,
}

/// Calls `f` with every translatable string of a quiz, in order: the
/// question's number (0 for a multipart's shared context), what the string
/// is, for the translators, and how it is shown.
fn for_each_text(quiz: &mut Value, f: &mut dyn FnMut(usize, &'static str, Kind, &mut String)) {
    use Kind::{Markdown, Plain};
    if let Some(questions) = quiz.get_mut("questions").and_then(Value::as_array_mut) {
        for (i, question) in questions.iter_mut().enumerate() {
            let n = i + 1;
            let kind = question
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let Some(question) = question.as_object_mut() else {
                continue;
            };
            if let Some(prompt) = question.get_mut("prompt").and_then(Value::as_object_mut) {
                if let Some(Value::String(s)) = prompt.get_mut("prompt") {
                    f(n, "the question", Markdown, s);
                }
                if let Some(Value::Array(choices)) = prompt.get_mut("distractors") {
                    for choice in choices {
                        if let Value::String(s) = choice {
                            f(n, "a wrong answer to choose from", Markdown, s);
                        }
                    }
                }
            }
            if let Some(answer) = question.get_mut("answer").and_then(Value::as_object_mut) {
                match (kind.as_str(), answer.get_mut("answer")) {
                    ("MultipleChoice", Some(Value::String(s))) => {
                        f(n, "the right answer to choose from", Markdown, s);
                    }
                    ("MultipleChoice", Some(Value::Array(answers))) => {
                        for answer in answers {
                            if let Value::String(s) = answer {
                                f(n, "a right answer to choose from", Markdown, s);
                            }
                        }
                    }
                    ("ShortAnswer", Some(Value::String(s))) => f(
                        n,
                        "the answer the reader types (upper and lower case do not matter; \
                         the English one is accepted too). Keep code as it is",
                        Plain,
                        s,
                    ),
                    // A tracing question's program and output are code.
                    _ => {}
                }
                if kind == "ShortAnswer"
                    && let Some(Value::Array(alternatives)) = answer.get_mut("alternatives")
                {
                    for alternative in alternatives {
                        if let Value::String(s) = alternative {
                            f(n, "another answer that counts as right", Plain, s);
                        }
                    }
                }
            }
            if let Some(Value::String(s)) = question.get_mut("context") {
                f(n, "the explanation, shown with the answers", Markdown, s);
            }
        }
    }
    if let Some(Value::Object(parts)) = quiz.get_mut("multipart") {
        for part in parts.values_mut() {
            if let Value::String(s) = part {
                f(
                    0,
                    "the context that the parts of a question share",
                    Markdown,
                    s,
                );
            }
        }
    }
}

/// The messages of one string: where each is in the string, and its msgid.
/// Markdown is split into its top-level blocks, as mdbook-xgettext splits a
/// chapter: a paragraph's lines are joined with spaces, and code blocks and
/// HTML are not messages.
fn messages(text: &str, kind: Kind) -> Vec<(Range<usize>, String)> {
    let trimmed = |range: Range<usize>| {
        let s = &text[range.clone()];
        let start = range.start + (s.len() - s.trim_start().len());
        start..range.start + s.trim_end().len()
    };
    if kind == Kind::Plain {
        let range = trimmed(0..text.len());
        return if range.is_empty() {
            Vec::new()
        } else {
            vec![(range.clone(), text[range].to_string())]
        };
    }
    let mut out = Vec::new();
    let mut depth = 0;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 && !matches!(tag, Tag::CodeBlock(_) | Tag::HtmlBlock) {
                    let range = trimmed(range);
                    let source = &text[range.clone()];
                    let msgid = if matches!(tag, Tag::Paragraph) {
                        source.lines().map(str::trim).collect::<Vec<_>>().join(" ")
                    } else {
                        source.to_string()
                    };
                    out.push((range, msgid));
                }
                depth += 1;
            }
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    out
}

/// The catalogue of every quiz's strings, in the format of mdbook-xgettext's messages.pot.
pub fn pot(quizzes: &[QuizFile]) -> String {
    let mut out = String::from(crate::interface::POT_HEADER);
    let mut seen = HashSet::new();
    for quiz in quizzes {
        let msgctxt = context(&quiz.name);
        let mut value = quiz.value.clone();
        for_each_text(&mut value, &mut |n, what, kind, text| {
            for (_, msgid) in messages(text, kind) {
                if !seen.insert((msgctxt.clone(), msgid.clone())) {
                    continue;
                }
                let question = if n == 0 {
                    String::new()
                } else {
                    format!(", question {n}")
                };
                out.push_str(&format!(
                    "\n#. The quiz at the end of the chapter{question}: {what}\n#: {}\n",
                    quiz.path.display()
                ));
                out.push_str(&format!("msgctxt {}\n", crate::interface::quote(&msgctxt)));
                out.push_str(&format!(
                    "msgid {}\nmsgstr \"\"\n",
                    crate::interface::quote(&msgid)
                ));
            }
        });
    }
    out
}

/// The translations of the quizzes in one po file.
pub struct Catalogue {
    /// (msgctxt, msgid) -> msgstr, for the translated messages that are not fuzzy.
    translated: HashMap<(String, String), String>,
    /// Every (msgctxt, msgid) of the po file.
    known: HashSet<(String, String)>,
}

impl Catalogue {
    pub fn new(entries: &[Entry]) -> Catalogue {
        let key = |e: &Entry| (e.msgctxt.clone().unwrap_or_default(), e.msgid.clone());
        Catalogue {
            translated: entries
                .iter()
                .filter(|e| e.msgctxt.as_deref().is_some_and(|c| c.starts_with("quiz ")))
                .filter(|e| e.is_translated() && !e.fuzzy)
                .map(|e| (key(e), e.msgstr[0].clone()))
                .collect(),
            known: entries.iter().map(key).collect(),
        }
    }
}

/// What translating a quiz found.
#[derive(Default, Debug)]
pub struct Translated {
    pub messages: usize,
    /// Translated messages.
    pub done: usize,
    /// Messages the po file does not have at all (is it in step with the pot?).
    pub unknown: Vec<String>,
}

/// Translates one quiz (mdbook-quiz's JSON). A short answer in English stays
/// right in the translation: the English answers become alternatives.
pub fn translate(name: &str, quiz: &mut Value, catalogue: &Catalogue, report: &mut Translated) {
    let msgctxt = context(name);
    let mut english_answers: Vec<Vec<String>> = Vec::new();
    if let Some(questions) = quiz.get("questions").and_then(Value::as_array) {
        for question in questions {
            let mut answers = Vec::new();
            if question.get("type").and_then(Value::as_str) == Some("ShortAnswer")
                && let Some(answer) = question.get("answer")
            {
                answers.extend(
                    answer
                        .get("answer")
                        .and_then(Value::as_str)
                        .map(String::from),
                );
                if let Some(alternatives) = answer.get("alternatives").and_then(Value::as_array) {
                    answers.extend(
                        alternatives
                            .iter()
                            .filter_map(Value::as_str)
                            .map(String::from),
                    );
                }
            }
            english_answers.push(answers);
        }
    }
    for_each_text(quiz, &mut |_, _, kind, text| {
        let mut out = String::new();
        let mut end = 0;
        for (range, msgid) in messages(text, kind) {
            report.messages += 1;
            let key = (msgctxt.clone(), msgid);
            out.push_str(&text[end..range.start]);
            match catalogue.translated.get(&key) {
                Some(msgstr) => {
                    report.done += 1;
                    out.push_str(msgstr);
                }
                None => {
                    if !catalogue.known.contains(&key) {
                        report.unknown.push(format!("{}: \"{}\"", key.0, key.1));
                    }
                    out.push_str(&text[range.clone()]);
                }
            }
            end = range.end;
        }
        out.push_str(&text[end..]);
        *text = out;
    });
    if let Some(questions) = quiz.get_mut("questions").and_then(Value::as_array_mut) {
        for (question, english) in questions.iter_mut().zip(english_answers) {
            let Some(answer) = question.get_mut("answer").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut accepted: Vec<String> = answer
                .get("answer")
                .and_then(Value::as_str)
                .map(String::from)
                .into_iter()
                .collect();
            let alternatives = answer
                .entry("alternatives")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Some(alternatives) = alternatives.as_array_mut() else {
                continue;
            };
            accepted.extend(
                alternatives
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from),
            );
            for english in english {
                if !accepted.contains(&english) {
                    alternatives.push(Value::String(english.clone()));
                    accepted.push(english);
                }
            }
            if alternatives.is_empty() {
                answer.remove("alternatives");
            }
        }
    }
}

/// Translates the quizzes of one page of a translation.
pub fn rewrite(
    html: &str,
    catalogue: &Catalogue,
    report: &mut Translated,
) -> Result<String, String> {
    use lol_html::{RewriteStrSettings, element, rewrite_str};
    let report = std::cell::RefCell::new(report);
    let handler = element!("div.quiz-placeholder[data-quiz-questions]", |el| {
        let attribute = |name: &str| -> Result<Value, String> {
            let raw = el.get_attribute(name).unwrap_or_default();
            // lol_html gives the value as written: decode its character references.
            let value = crate::links::tags(&format!("<a v=\"{raw}\">"))
                .pop()
                .and_then(|tag| tag.attrs.into_iter().next())
                .map_or(raw, |(_, value)| value);
            serde_json::from_str(&value).map_err(|e| format!("{name}: {e}"))
        };
        let name = attribute("data-quiz-name")?;
        let name = name
            .as_str()
            .ok_or("data-quiz-name: not a string")?
            .to_string();
        let mut quiz = attribute("data-quiz-questions")?;
        translate(&name, &mut quiz, catalogue, &mut report.borrow_mut());
        let json = serde_json::to_string(&quiz).map_err(|e| e.to_string())?;
        // lol_html writes the value as given, but for `"`.
        el.set_attribute("data-quiz-questions", &json.replace('&', "&amp;"))?;
        Ok(())
    });
    let settings = RewriteStrSettings::new().append_element_content_handler(handler);
    rewrite_str(html, settings).map_err(|e| e.to_string())
}

/// Translates the quizzes of every page under `dir`; returns the pages that have one.
pub fn apply(dir: &Path, catalogue: &Catalogue, report: &mut Translated) -> Result<usize, String> {
    let mut pages = 0;
    for file in crate::walk_files(dir)? {
        if file.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = crate::read_text(&file)?;
        if !html.contains("quiz-placeholder") {
            continue;
        }
        let rewritten =
            rewrite(&html, catalogue, report).map_err(|e| format!("{}: {e}", file.display()))?;
        std::fs::write(&file, rewritten).map_err(|e| crate::io_error(&file, &e))?;
        pages += 1;
    }
    Ok(pages)
}

// ---------------------------------------------------------------------------
// The quiz's own interface.

/// Defined before mdbook-quiz's script: its strings, through theme/interface.js
/// (`window.bookInterface.t`), which has the translations of the page's language.
const WIDGET_PRELUDE: &str = r#"/* The strings of this quiz script go through bookQuizText, which asks
   theme/interface.js for the page's language: book-tools quiz-widget
   (ci/tools/src/quiz.rs) wrote them in. */
var bookQuizText = function (english, values, plural) {
  values = values || {};
  var i = window.bookInterface;
  if (i) return i.t(english, values, plural);
  var template = plural !== undefined && values.count !== 1 ? plural : english;
  return template.replace(/\{(\w+)\}/g, function (whole, name) {
    return name in values ? String(values[name]) : whole;
  });
};
/* A translated sentence with elements in it: `{name}` is values[name], and
   <strong>…</strong> is bold. The children of an element, to spread. */
var bookQuizRich = function (h, english, values) {
  var out = [];
  bookQuizText(english, {}).split(/(<strong>[\s\S]*?<\/strong>|\{\w+\})/).forEach(function (part) {
    var strong = /^<strong>([\s\S]*)<\/strong>$/.exec(part);
    var name = /^\{(\w+)\}$/.exec(part);
    var fill = function (s) {
      return s.replace(/\{(\w+)\}/g, function (whole, n) { return n in values ? String(values[n]) : whole; });
    };
    if (strong) out.push(h("strong", null, fill(strong[1])));
    else if (name && name[1] in values) out.push(values[name[1]]);
    else if (part) out.push(part);
  });
  return out;
};
"#;

/// What `quiz-widget` replaces in mdbook-quiz 0.5.0's script (js/quiz-embed.iife.js),
/// and how often each piece is there. The names (`Z`, `e`, ...) are the
/// minified script's: a new version of mdbook-quiz fails here, loudly.
const WIDGET_PATCHES: &[(&str, &str, usize)] = &[
    (
        r#"Z.createElement("h3",null,r||"Quiz")"#,
        r#"Z.createElement("h3",null,r||bookQuizText("Quiz"))"#,
        1,
    ),
    (
        r#"Z.createElement(Z.Fragment,null,"Question"," ",(e.attempt===0?e.index:e.wrongAnswers.indexOf(e.index))+1," ","/"," ",e.attempt===0?n.questions.length:e.wrongAnswers.length)"#,
        r#"bookQuizText("Question {number} / {total}",{number:(e.attempt===0?e.index:e.wrongAnswers.indexOf(e.index))+1,total:e.attempt===0?n.questions.length:e.wrongAnswers.length})"#,
        1,
    ),
    (
        r#"n.questions.length," question",n.questions.length>1&&"s""#,
        r#"bookQuizText("{count} question",{count:n.questions.length},"{count} questions")"#,
        1,
    ),
    (
        r#""You can either"," ",Z.createElement("button",{type:"button",onClick:n},"retry the quiz")," ","or"," ",Z.createElement("button",{type:"button",onClick:r},"see the correct answers"),".""#,
        r#"...bookQuizRich(Z.createElement,"You can either {retry} or {answers}.",{retry:Z.createElement("button",{type:"button",onClick:n},bookQuizText("retry the quiz")),answers:Z.createElement("button",{type:"button",onClick:r},bookQuizText("see the correct answers"))})"#,
        1,
    ),
    (
        r#"Z.createElement("h3",null,"Answer Review")"#,
        r#"Z.createElement("h3",null,bookQuizText("Answer Review"))"#,
        1,
    ),
    (
        r#""You answered"," ",Z.createElement("strong",null,t,"/",i.questions.length)," ","questions correctly.""#,
        r#"...bookQuizRich(Z.createElement,"You answered <strong>{score}</strong> questions correctly.",{score:t+"/"+i.questions.length})"#,
        1,
    ),
    (
        r#"o.started=!0})},"Start")"#,
        r#"o.started=!0})},bookQuizText("Start"))"#,
        1,
    ),
    (
        r#"placeholder:"Write your answer here...""#,
        r#"placeholder:bookQuizText("Write your answer here...")"#,
        2,
    ),
    (
        r#""Determine whether the program will pass the compiler. If it passes, write the expected output of the program if it were executed.""#,
        r#"bookQuizText("Determine whether the program will pass the compiler. If it passes, write the expected output of the program if it were executed.")"#,
        1,
    ),
    (
        r#""This program:"," ""#,
        r#"bookQuizText("This program:")," ""#,
        1,
    ),
    (
        r#"{htmlFor:i},"DOES compile")"#,
        r#"{htmlFor:i},bookQuizText("DOES compile"))"#,
        1,
    ),
    (
        r#"{className:"option-separator"},"OR")"#,
        r#"{className:"option-separator"},bookQuizText("OR"))"#,
        1,
    ),
    (
        r#"{htmlFor:o},"does NOT compile")"#,
        r#"{htmlFor:o},bookQuizText("does NOT compile"))"#,
        1,
    ),
    (
        r#""The output of this program will be:""#,
        r#"bookQuizText("The output of this program will be:")"#,
        2,
    ),
    (
        r#"placeholder:"Write the program's stdout here...""#,
        r#"placeholder:bookQuizText("Write the program's stdout here...")"#,
        1,
    ),
    (
        r#""This program"," ",Z.createElement("strong",null,e.doesCompile?"does":"does not")," compile.""#,
        r#"...bookQuizRich(Z.createElement,e.doesCompile?"This program <strong>does</strong> compile.":"This program <strong>does not</strong> compile.",{})"#,
        1,
    ),
    (
        r#"Z.createElement("h4",null,"Question ",r)"#,
        r#"Z.createElement("h4",null,bookQuizText("Question {number}",{number:r}))"#,
        2,
    ),
    (
        r#"Z.createElement("h4",null,"Response")"#,
        r#"Z.createElement("h4",null,bookQuizText("Response"))"#,
        1,
    ),
    // The browser labels a submit button without a value in its own language.
    (
        r#"Z.createElement("input",{type:"submit"})"#,
        r#"Z.createElement("input",{type:"submit",value:bookQuizText("Submit")})"#,
        1,
    ),
    (
        r#"{className:"answer-header"},"You answered:")"#,
        r#"{className:"answer-header"},bookQuizText("You answered:"))"#,
        1,
    ),
    (
        r#"{className:"answer-header"},"The correct answer is:")"#,
        r#"{className:"answer-header"},bookQuizText("The correct answer is:"))"#,
        1,
    ),
    (
        "markdown:`**Context**:\n${t.context}`",
        r#"markdown:"**"+bookQuizText("Context")+"**:\n"+t.context"#,
        1,
    ),
];

/// mdbook-quiz's script with its interface strings going through theme/interface.js.
pub fn patch_widget(js: &str) -> Result<String, String> {
    if js.starts_with(WIDGET_PRELUDE) {
        return Err("the quiz script has been patched already".into());
    }
    let mut out = js.to_string();
    for (english, replacement, count) in WIDGET_PATCHES {
        let found = out.matches(english).count();
        if found != *count {
            return Err(format!(
                "the quiz script has `{english}` {found} times, not {count}: \
                 is it not {MDBOOK_QUIZ}'s? (ci/tools/src/quiz.rs)"
            ));
        }
        out = out.replace(english, replacement);
    }
    Ok(format!("{WIDGET_PRELUDE}{out}"))
}

// ---------------------------------------------------------------------------
// The check.

/// Questions per quiz.
const QUESTIONS: Range<usize> = 3..7;
/// The longest tracing program, in lines.
const PROGRAM_LINES: usize = 25;
/// How long a tracing program may run.
const RUN_TIMEOUT: Duration = Duration::from_secs(10);

/// One tracing question, to prove.
#[derive(Debug, Clone)]
pub struct Tracing {
    pub what: String,
    pub program: String,
    pub does_compile: bool,
    pub stdout: Option<String>,
    pub line: Option<u64>,
}

#[derive(Debug, Default)]
pub struct CheckReport {
    pub quizzes: usize,
    pub questions: usize,
    pub tracing: usize,
    pub problems: Vec<String>,
}

/// The chapters of SUMMARY.md, by part: (part title, chapter files). Only
/// the chapters themselves: what is nested under one (the exercises at the
/// end of a part) has no quiz of its own.
fn parts(summary: &str) -> Vec<(String, Vec<String>)> {
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for line in summary.lines() {
        if let Some(title) = line.strip_prefix("# Part ") {
            parts.push((format!("Part {title}"), Vec::new()));
        } else if let (Some(part), Some(link)) = (parts.last_mut(), line.strip_prefix("- ["))
            && let Some((_, rest)) = link.split_once("](")
            && let Some(file) = rest.strip_suffix(')')
        {
            part.1.push(file.to_string());
        }
    }
    parts
}

/// Checks the quizzes in `src/quizzes` against the chapters of `src/SUMMARY.md`:
/// every chapter of a part ends with a quiz of 3 to 6 questions, each with an
/// id (unique in the book) and an explanation; each part has a tracing
/// question; and every tracing question's answer is what rustc and the program
/// do (`prove`).
pub fn check(src: &Path) -> Result<CheckReport, String> {
    let quizzes = load(&src.join("quizzes"))?;
    let summary = crate::read_text(&src.join("SUMMARY.md"))?;
    let mut report = CheckReport::default();
    let problems = &mut report.problems;
    let by_name: HashMap<&str, &QuizFile> = quizzes.iter().map(|q| (q.name.as_str(), q)).collect();
    let mut used = HashSet::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut traces = Vec::new();
    for (part, chapters) in parts(&summary) {
        let mut part_tracing = 0;
        for chapter in chapters {
            let text = crate::read_text(&src.join(&chapter))?;
            let lines: Vec<&str> = text.lines().collect();
            let directives: Vec<(usize, &str)> = (lines.iter().enumerate())
                .filter_map(|(i, l)| {
                    let inner = l.trim().strip_prefix("{{#quiz ")?.strip_suffix("}}")?;
                    Some((i, inner.trim()))
                })
                .collect();
            let [(at, path)] = directives[..] else {
                problems.push(format!(
                    "src/{chapter}: {} `{{{{#quiz quizzes/….toml}}}}` lines, not one",
                    directives.len()
                ));
                continue;
            };
            let previous = lines[..at].iter().rev().find(|l| !l.trim().is_empty());
            if previous.map(|l| l.trim()) != Some("<!-- i18n:skip -->") {
                problems.push(format!(
                    "src/{chapter}:{}: the quiz line needs `<!-- i18n:skip -->` on the line before it \
                     (it is not a message to translate)",
                    at + 1
                ));
            }
            let name = path
                .strip_prefix("quizzes/")
                .and_then(|p| p.strip_suffix(".toml"))
                .unwrap_or(path);
            let Some(quiz) = by_name.get(name) else {
                problems.push(format!("src/{chapter}: no quiz src/{path}"));
                continue;
            };
            used.insert(name.to_string());
            report.quizzes += 1;
            let file = quiz.path.display().to_string();
            let questions = quiz.value.get("questions").and_then(Value::as_array);
            let questions = questions.map_or(&[][..], Vec::as_slice);
            report.questions += questions.len();
            if !QUESTIONS.contains(&questions.len()) {
                problems.push(format!(
                    "{file}: {} questions; a quiz has {} to {}",
                    questions.len(),
                    QUESTIONS.start,
                    QUESTIONS.end - 1
                ));
            }
            for (i, q) in questions.iter().enumerate() {
                let what = format!("{file}, question {}", i + 1);
                let str_at = |path: &[&str]| {
                    let mut v = q;
                    for key in path {
                        v = v.get(key)?;
                    }
                    v.as_str()
                };
                let non_empty = |path: &[&str]| str_at(path).is_some_and(|s| !s.trim().is_empty());
                match str_at(&["id"]) {
                    Some(id) if !id.trim().is_empty() => {
                        if let Some(other) = ids.insert(id.to_string(), what.clone()) {
                            problems.push(format!("{what}: the id `{id}` is {other}'s too"));
                        }
                    }
                    _ => problems.push(format!("{what}: no id (ids are stable: write one)")),
                }
                if !non_empty(&["context"]) {
                    problems.push(format!(
                        "{what}: no `context`, the explanation of the right answer and of each wrong one"
                    ));
                }
                match str_at(&["type"]).unwrap_or_default() {
                    "MultipleChoice" => {
                        let choices = q.pointer("/prompt/distractors").and_then(Value::as_array);
                        if !non_empty(&["prompt", "prompt"]) || choices.is_none_or(|c| c.is_empty())
                        {
                            problems
                                .push(format!("{what}: a prompt and wrong answers to choose from"));
                        }
                        let answer = q.pointer("/answer/answer");
                        if let (Some(answer), Some(choices)) = (answer, choices)
                            && choices.contains(answer)
                        {
                            problems.push(format!("{what}: the right answer is also a wrong one"));
                        }
                    }
                    "ShortAnswer" => {
                        if !non_empty(&["prompt", "prompt"]) || !non_empty(&["answer", "answer"]) {
                            problems.push(format!("{what}: a prompt and an answer"));
                        }
                    }
                    "Tracing" => {
                        part_tracing += 1;
                        let program = str_at(&["prompt", "program"]).unwrap_or_default();
                        let does_compile =
                            q.pointer("/answer/doesCompile").and_then(Value::as_bool);
                        let stdout = q.pointer("/answer/stdout").and_then(Value::as_str);
                        let line = q.pointer("/answer/lineNumber").and_then(Value::as_u64);
                        if program.lines().count() > PROGRAM_LINES {
                            problems.push(format!(
                                "{what}: the program has {} lines; at most {PROGRAM_LINES}",
                                program.lines().count()
                            ));
                        }
                        match does_compile {
                            None => problems.push(format!("{what}: no `answer.doesCompile`")),
                            Some(true) if stdout.is_none() || line.is_some() => problems.push(format!(
                                "{what}: a program that compiles has `answer.stdout` and no `answer.lineNumber`"
                            )),
                            Some(false) if stdout.is_some() => problems.push(format!(
                                "{what}: a program that does not compile has no `answer.stdout`"
                            )),
                            Some(does_compile) => traces.push(Tracing {
                                what: what.clone(),
                                program: program.to_string(),
                                does_compile,
                                stdout: stdout.map(String::from),
                                line,
                            }),
                        }
                    }
                    other => problems.push(format!("{what}: unknown type `{other}`")),
                }
            }
        }
        if part_tracing == 0 {
            problems.push(format!(
                "{part}: no tracing question (\"does this program compile, and what does it print?\")"
            ));
        }
    }
    for quiz in &quizzes {
        if !used.contains(&quiz.name) {
            problems.push(format!(
                "{}: no chapter of SUMMARY.md shows it",
                quiz.path.display()
            ));
        }
    }
    report.tracing = traces.len();
    report.problems.extend(prove_all(&traces));
    Ok(report)
}

/// Proves every tracing question, a few at a time; returns the problems.
pub fn prove_all(traces: &[Tracing]) -> Vec<String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(traces.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(trace) = traces.get(i) else { break };
                    let result = prove(trace);
                    results.lock().unwrap().push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results
        .into_iter()
        .filter_map(|(i, r)| r.err().map(|e| format!("{}: {e}", traces[i].what)))
        .collect()
}

/// Compiles the program with rustc (edition 2024), in a directory of its own,
/// and runs it: it must compile or not as the quiz says (and fail on the line
/// it names), and print exactly what the quiz says, but for whitespace at the
/// ends (which the quiz ignores too).
fn prove(trace: &Tracing) -> Result<(), String> {
    // One directory per program, also when tests prove some at the same time.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("book-tools-quiz-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| crate::io_error(&dir, &e))?;
    let result = (|| {
        std::fs::write(dir.join("main.rs"), &trace.program).map_err(|e| e.to_string())?;
        let rustc = std::process::Command::new("rustc")
            .args([
                "--edition",
                "2024",
                "-A",
                "warnings",
                "-o",
                "main",
                "main.rs",
            ])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("could not run rustc: {e}"))?;
        let stderr = String::from_utf8_lossy(&rustc.stderr);
        match (trace.does_compile, rustc.status.success()) {
            (true, false) => {
                return Err(format!(
                    "the quiz says the program compiles; rustc says:\n{stderr}"
                ));
            }
            (false, true) => {
                return Err("the quiz says the program does not compile; it does".into());
            }
            (false, false) => {
                let Some(expected) = trace.line else {
                    return Ok(());
                };
                let line = error_line(&stderr);
                return if line == Some(expected) {
                    Ok(())
                } else {
                    Err(format!(
                        "the quiz says the error is on line {expected}; rustc reports {}:\n{stderr}",
                        line.map_or("none".to_string(), |l| format!("line {l}"))
                    ))
                };
            }
            (true, true) => {}
        }
        let stdout = run(&dir.join("main"))?;
        let expected = trace.stdout.as_deref().unwrap_or_default();
        if stdout.trim() != expected.trim() {
            return Err(format!(
                "the quiz says the program prints\n{expected}\nit prints\n{stdout}"
            ));
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The line of rustc's first error, from its ` --> main.rs:LINE:COLUMN`.
fn error_line(stderr: &str) -> Option<u64> {
    let after_error = stderr.split_once("error")?.1;
    let location = after_error.split_once("--> main.rs:")?.1;
    location.split(':').next()?.parse().ok()
}

/// Runs a program; its standard output if it exits successfully within [`RUN_TIMEOUT`].
fn run(program: &Path) -> Result<String, String> {
    use std::io::Read;
    let mut child = std::process::Command::new(program)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run the program: {e}"))?;
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the program ran longer than {} s",
                RUN_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        return Err(format!(
            "the program failed ({status}); a quiz's program must run to its end:\n{stderr}"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::po;

    const QUIZ: &str = r#"
[[questions]]
id = "q-mc"
type = "MultipleChoice"
prompt.prompt = """
What does this print?

```rust
println!("{}", 1);
```
"""
prompt.distractors = ["`2`", "Nothing."]
answer.answer = "`1`"
context = """
It prints
one line.

- Not `2`.
"""

[[questions]]
id = "q-sa"
type = "ShortAnswer"
prompt.prompt = "Which word?"
answer.answer = "drop"
answer.alternatives = ["dropped"]
context = "Because."

[[questions]]
id = "q-tr"
type = "Tracing"
prompt.program = "fn main() { println!(\"hi\"); }"
answer.doesCompile = true
answer.stdout = "hi"
context = "It prints `hi`."
"#;

    fn quiz() -> QuizFile {
        QuizFile {
            name: "ch01".into(),
            path: "src/quizzes/ch01.toml".into(),
            value: toml::from_str(QUIZ).unwrap(),
        }
    }

    #[test]
    fn markdown_is_split_into_blocks_without_code() {
        let text = "Para one\nstill one.\n\n```rust\nlet x = 1;\n```\n\n- a\n- b\n";
        let msgids: Vec<String> = messages(text, Kind::Markdown)
            .into_iter()
            .map(|m| m.1)
            .collect();
        assert_eq!(msgids, ["Para one still one.", "- a\n- b"]);
        assert_eq!(messages("  drop \n", Kind::Plain)[0].1, "drop");
        assert!(messages(" ", Kind::Plain).is_empty());
    }

    #[test]
    fn the_pot_has_the_texts_but_no_code_ids_or_programs() {
        let pot = pot(&[quiz()]);
        let entries = po::parse(&pot).unwrap();
        let msgids: Vec<&str> = entries.iter().map(|e| e.msgid.as_str()).collect();
        assert_eq!(
            msgids,
            [
                "What does this print?",
                "`2`",
                "Nothing.",
                "`1`",
                "It prints one line.",
                "- Not `2`.",
                "Which word?",
                "drop",
                "dropped",
                "Because.",
                "It prints `hi`.",
            ]
        );
        assert!(
            entries
                .iter()
                .all(|e| e.msgctxt.as_deref() == Some("quiz ch01"))
        );
        assert!(pot.contains(
            "#. The quiz at the end of the chapter, question 2: the answer the reader types"
        ));
        assert!(pot.contains("#: src/quizzes/ch01.toml"));
    }

    fn german() -> Catalogue {
        let mut entries = po::parse(&pot(&[quiz()])).unwrap();
        for e in &mut entries {
            e.msgstr[0] = match e.msgid.as_str() {
                "What does this print?" => "Was gibt das aus?",
                "Nothing." => "Nichts & \"gar nichts\".",
                "drop" => "fallen lassen",
                "It prints one line." => "Es gibt eine Zeile aus.",
                _ => "",
            }
            .into();
        }
        Catalogue::new(&entries)
    }

    #[test]
    fn translates_the_texts_and_keeps_the_english_short_answers() {
        let mut value = quiz().value;
        let mut report = Translated::default();
        translate("ch01", &mut value, &german(), &mut report);
        let q = &value["questions"];
        assert_eq!(
            q[0]["prompt"]["prompt"],
            "Was gibt das aus?\n\n```rust\nprintln!(\"{}\", 1);\n```\n"
        );
        assert_eq!(q[0]["prompt"]["distractors"][1], "Nichts & \"gar nichts\".");
        assert_eq!(q[0]["context"], "Es gibt eine Zeile aus.\n\n- Not `2`.\n");
        assert_eq!(q[1]["answer"]["answer"], "fallen lassen");
        assert_eq!(
            q[1]["answer"]["alternatives"],
            serde_json::json!(["dropped", "drop"])
        );
        assert_eq!(q[2]["prompt"]["program"], "fn main() { println!(\"hi\"); }");
        assert_eq!((report.messages, report.done), (11, 4));
        assert!(report.unknown.is_empty());
    }

    #[test]
    fn rewrites_the_quiz_in_the_page() {
        let json = serde_json::to_string(&quiz().value).unwrap();
        let attr = json.replace('&', "&amp;").replace('"', "&quot;");
        let html = format!(
            "<p>x</p><div class=\"quiz-placeholder\" data-quiz-name=\"&quot;ch01&quot;\" data-quiz-questions=\"{attr}\"></div>"
        );
        let mut report = Translated::default();
        let out = rewrite(&html, &german(), &mut report).unwrap();
        assert_eq!(report.done, 4);
        let tag = crate::links::tags(&out).pop().unwrap();
        let value = &tag
            .attrs
            .iter()
            .find(|(n, _)| n == "data-quiz-questions")
            .unwrap()
            .1;
        let quiz: Value = serde_json::from_str(value).unwrap();
        assert_eq!(
            quiz["questions"][0]["prompt"]["distractors"][1],
            "Nichts & \"gar nichts\"."
        );
    }

    #[test]
    fn the_widget_patch_needs_mdbook_quiz_0_5_0s_script() {
        let script: String = WIDGET_PATCHES
            .iter()
            .map(|(english, _, count)| format!("{english};").repeat(*count))
            .collect();
        let patched = patch_widget(&script).unwrap();
        assert!(patched.starts_with(WIDGET_PRELUDE));
        assert!(!patched.contains("null,\"Answer Review\")"));
        assert!(patched.contains("bookQuizText(\"Answer Review\")"));
        assert!(patch_widget(&patched).is_err());
        let changed = script.replace(r#""Answer Review""#, r#""Review""#);
        let error = patch_widget(&changed).unwrap_err();
        assert!(error.contains("0 times, not 1"), "{error}");
    }

    #[test]
    fn every_string_of_the_widget_is_in_the_interface_catalogue() {
        let catalogue: HashSet<&str> = crate::interface::MESSAGES
            .iter()
            .filter(|m| m.context == crate::interface::QUIZ)
            .map(|m| m.msgid)
            .collect();
        let mut used = HashSet::new();
        for (_, replacement, _) in WIDGET_PATCHES {
            for call in replacement.split("bookQuiz").skip(1) {
                let call = call
                    .trim_start_matches("Text(")
                    .trim_start_matches("Rich(Z.createElement,");
                for quoted in call.split('"').skip(1).step_by(2).take(2) {
                    if quoted
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || c == '{')
                        || quoted.starts_with("retry")
                        || quoted.starts_with("see ")
                        || quoted.starts_with("does")
                    {
                        used.insert(quoted);
                    }
                }
            }
        }
        for msgid in [
            "Question {number}",
            "Submit",
            "{count} question",
            "This program <strong>does not</strong> compile.",
        ] {
            assert!(
                used.contains(msgid),
                "{msgid} not found in the patches: {used:?}"
            );
        }
        let missing: Vec<_> = used.iter().filter(|m| !catalogue.contains(*m)).collect();
        // "{count} questions" is the plural of "{count} question".
        assert!(
            missing.iter().all(|m| **m == "{count} questions"),
            "not in interface::MESSAGES: {missing:?}"
        );
    }

    fn trace(
        program: &str,
        does_compile: bool,
        stdout: Option<&str>,
        line: Option<u64>,
    ) -> Tracing {
        Tracing {
            what: "t".into(),
            program: program.into(),
            does_compile,
            stdout: stdout.map(String::from),
            line,
        }
    }

    #[test]
    fn tracing_answers_are_proven_by_rustc_and_the_program() {
        let prints = "fn main() {\n    println!(\"a\");\n    println!(\"b\");\n}\n";
        let fails = "fn main() {\n    let x = 1;\n    x = 2;\n}\n";
        // Edition 2024: `gen` is a keyword.
        let edition = "fn main() {\n    let gen = 1;\n    println!(\"{gen}\");\n}\n";
        let panics = "fn main() {\n    None::<u8>.unwrap();\n}\n";
        let problems = prove_all(&[
            trace(prints, true, Some("a\nb\n"), None),
            trace(prints, true, Some("a\nc"), None),
            trace(prints, false, None, None),
            trace(fails, false, None, Some(3)),
            trace(fails, false, None, Some(2)),
            trace(fails, true, Some(""), None),
            trace(edition, false, None, Some(2)),
            trace(panics, true, Some(""), None),
        ]);
        let expected = [
            "it prints\na\nb",
            "does not compile; it does",
            "the error is on line 2; rustc reports line 3",
            "the quiz says the program compiles; rustc says",
            "a quiz's program must run to its end",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (problem, expected) in problems.iter().zip(expected) {
            assert!(
                problem.contains(expected),
                "{problem}\ndoes not say: {expected}"
            );
        }
    }

    #[test]
    fn reads_the_parts_of_the_summary() {
        let summary = "# Summary\n\n[Intro](intro.md)\n\n# Part I: A\n\n- [One](ch01-a.md)\n- [Two](ch02-b.md)\n    - [Exercises](part1-exercises.md)\n\n# Part II: B\n\n- [Three](ch03-c.md)\n";
        assert_eq!(
            parts(summary),
            [
                (
                    "Part I: A".to_string(),
                    vec!["ch01-a.md".to_string(), "ch02-b.md".to_string()]
                ),
                ("Part II: B".to_string(), vec!["ch03-c.md".to_string()]),
            ]
        );
    }

    #[test]
    fn checks_the_shape_of_the_quizzes() {
        let chapter = "# One\n\n## Check your understanding\n\n<!-- i18n:skip -->\n{{#quiz quizzes/ch01.toml}}\n";
        let short =
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"?\"\nanswer.answer = \"x\"\n";
        let dir = crate::testdir::tree(
            "quiz-check",
            &[
                (
                    "SUMMARY.md",
                    "# Part I: A\n\n- [One](ch01-a.md)\n- [Two](ch02-b.md)\n",
                ),
                ("ch01-a.md", chapter),
                ("ch02-b.md", "# Two\n\n{{#quiz quizzes/ch02.toml}}\n"),
                ("quizzes/ch01.toml", QUIZ),
                ("quizzes/ch02.toml", short),
                ("quizzes/ch09.toml", QUIZ),
            ],
        );
        let report = check(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            (report.quizzes, report.questions, report.tracing),
            (2, 4, 1)
        );
        let expected = [
            "ch02-b.md:3: the quiz line needs `<!-- i18n:skip -->`",
            "ch02.toml: 1 questions; a quiz has 3 to 6",
            "ch02.toml, question 1: no id",
            "ch02.toml, question 1: no `context`",
            "ch09.toml: no chapter of SUMMARY.md shows it",
        ];
        assert_eq!(
            report.problems.len(),
            expected.len(),
            "{:#?}",
            report.problems
        );
        for (problem, expected) in report.problems.iter().zip(expected) {
            assert!(
                problem.contains(expected),
                "{problem}\ndoes not say: {expected}"
            );
        }
    }
}
