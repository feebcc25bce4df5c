//! mdBook's own interface (and the language picker's) in the reader's language.
//!
//! [`MESSAGES`] is the one list of the interface strings: `interface-pot` writes
//! them as a catalogue that `extract_pot` (ci/lib.sh) merges into
//! po/messages.pot, so translators find them in po/<language>.po like every
//! other message, and `po-check` covers them. `interface-apply` then rewrites
//! the HTML mdBook built for a translation: the strings of mdBook's page
//! template at build time, and, for the strings that mdBook's scripts (and
//! ours) create in the browser, a catalogue in each page that
//! theme/interface.js applies.

use crate::po::Entry;
use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, end_tag, rewrite_str, text};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

/// The context of mdBook's strings in the po files.
pub const MDBOOK: &str = "mdBook interface";
/// The context of the language picker's strings (theme/language-picker.js).
pub const PICKER: &str = "language picker";
/// The context of the book's description (book.toml).
pub const DESCRIPTION: &str = "book description";
/// The context of the quiz widget's strings (mdbook-quiz's script, ci/tools/src/quiz.rs).
pub const QUIZ: &str = "quiz interface";

/// Where a string is shown, and so how it is translated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// In the HTML that mdBook writes: translated at build time.
    Page,
    /// Created by a script in the browser: translated there, by theme/interface.js.
    Script,
}

/// One interface string.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub context: &'a str,
    /// For the translators (`#.` in the po files).
    pub comment: &'a str,
    pub msgid: &'a str,
    pub plural: Option<&'a str>,
    pub place: Place,
}

const fn page(comment: &'static str, msgid: &'static str) -> Message<'static> {
    Message {
        context: MDBOOK,
        comment,
        msgid,
        plural: None,
        place: Place::Page,
    }
}

const fn script(
    context: &'static str,
    comment: &'static str,
    msgid: &'static str,
) -> Message<'static> {
    Message {
        context,
        comment,
        msgid,
        plural: None,
        place: Place::Script,
    }
}

/// Every string of mdBook 0.5.4's interface that our site shows (its page
/// template, index.hbs; searcher.js; book.js, without the playground's, which
/// the book turns off), and the language picker's. The browser tests fail on
/// any English string of the interface left on a translated page, so a string
/// a new mdBook adds shows up there.
pub const MESSAGES: &[Message<'static>] = &[
    page(
        "Heading of the keyboard help (shown with the ? key)",
        "Keyboard shortcuts",
    ),
    page(
        "Keyboard help. Keep each <kbd>…</kbd> as it is.",
        "Press <kbd>←</kbd> or <kbd>→</kbd> to navigate between chapters",
    ),
    page(
        "Keyboard help. Keep each <kbd>…</kbd> as it is.",
        "Press <kbd>S</kbd> or <kbd>/</kbd> to search in the book",
    ),
    page(
        "Keyboard help. Keep each <kbd>…</kbd> as it is.",
        "Press <kbd>?</kbd> to show this help",
    ),
    page(
        "Keyboard help. Keep each <kbd>…</kbd> as it is.",
        "Press <kbd>Esc</kbd> to hide this help",
    ),
    page(
        "Label of the sidebar with the chapters",
        "Table of contents",
    ),
    page(
        "Title and label of the button that shows and hides the sidebar",
        "Toggle Table of Contents",
    ),
    page(
        "Title and label of the button that opens the list of themes",
        "Change theme",
    ),
    page("Label of the list of themes", "Themes"),
    page(
        "Theme: light or dark, as the reader's system is set",
        "Auto",
    ),
    page("Theme: dark text on white", "Light"),
    page(
        "Theme in the colours of Rust's website (a name: usually kept)",
        "Rust",
    ),
    page("Theme: light text on dark grey", "Coal"),
    page("Theme: light text on dark blue", "Navy"),
    page(
        "Theme named after the Ayu colour scheme (a name: usually kept)",
        "Ayu",
    ),
    page(
        "Title of the search button; `/` is its keyboard shortcut",
        "Search (`/`)",
    ),
    page("Label of the search button", "Toggle Searchbar"),
    page(
        "Title and label of the button that opens the whole book for printing",
        "Print this book",
    ),
    page(
        "Title and label of the link to the book's repository on GitHub",
        "Git repository",
    ),
    page(
        "Title and label of the link to edit the page (in a translation: its po file)",
        "Suggest an edit",
    ),
    page("Placeholder of the search field", "Search this book ..."),
    page(
        "Label of the links to the previous and the next chapter",
        "Page navigation",
    ),
    page(
        "Title and label of the link to the previous chapter",
        "Previous chapter",
    ),
    page(
        "Title and label of the link to the next chapter",
        "Next chapter",
    ),
    Message {
        context: MDBOOK,
        comment: "Above the search results. Keep {count} and {term}: the number of results and what the reader typed.",
        msgid: "{count} search result for '{term}':",
        plural: Some("{count} search results for '{term}':"),
        place: Place::Script,
    },
    script(
        MDBOOK,
        "Above the search results when there are none. Keep {term}: what the reader typed.",
        "No search results for '{term}'.",
    ),
    script(
        MDBOOK,
        "Label of the excerpt of a page under each search result",
        "Search Result Teaser",
    ),
    script(
        MDBOOK,
        "Title and label of the button that shows the lines a listing hides",
        "Show hidden lines",
    ),
    script(
        MDBOOK,
        "Title and label of the button that hides those lines again",
        "Hide lines",
    ),
    script(
        MDBOOK,
        "Title and label of the button that copies a listing",
        "Copy to clipboard",
    ),
    script(MDBOOK, "Shown after copying a listing", "Copied!"),
    script(
        MDBOOK,
        "Shown when copying a listing failed",
        "Clipboard error!",
    ),
    script(
        PICKER,
        "Label of the button that opens the list of languages",
        "Change language",
    ),
    script(
        PICKER,
        "Title of that button. Keep {language}: the name of the page's language, in that language (\"Deutsch\").",
        "Language: {language}",
    ),
    // The quiz at the end of each chapter: mdbook-quiz's script, whose strings
    // `book-tools quiz-widget` sends through theme/interface.js (ci/tools/src/quiz.rs).
    script(QUIZ, "Heading of the quiz at the end of a chapter", "Quiz"),
    Message {
        context: QUIZ,
        comment: "Before the quiz starts: how many questions it has. Keep {count}.",
        msgid: "{count} question",
        plural: Some("{count} questions"),
        place: Place::Script,
    },
    script(QUIZ, "The button that starts the quiz", "Start"),
    script(
        QUIZ,
        "Above the question being answered. Keep {number} and {total}: the question's number and how many there are.",
        "Question {number} / {total}",
    ),
    script(
        QUIZ,
        "Heading of a question. Keep {number}: its number.",
        "Question {number}",
    ),
    script(
        QUIZ,
        "Heading of the part where the reader answers",
        "Response",
    ),
    script(QUIZ, "The button that sends the reader's answer", "Submit"),
    script(
        QUIZ,
        "Placeholder of the field for a short answer",
        "Write your answer here...",
    ),
    script(
        QUIZ,
        "Above a program whose output the reader predicts",
        "Determine whether the program will pass the compiler. If it passes, write the expected output of the program if it were executed.",
    ),
    script(
        QUIZ,
        "Before the two choices: \"This program: (•) DOES compile OR ( ) does NOT compile\"",
        "This program:",
    ),
    script(QUIZ, "First choice after \"This program:\"", "DOES compile"),
    script(QUIZ, "Between the two choices", "OR"),
    script(
        QUIZ,
        "Second choice after \"This program:\"",
        "does NOT compile",
    ),
    script(
        QUIZ,
        "Above the field for the program's output, and above the output in the answers",
        "The output of this program will be:",
    ),
    script(
        QUIZ,
        "Placeholder of the field for the program's output",
        "Write the program's stdout here...",
    ),
    script(
        QUIZ,
        "Heading of the answers, after the last question",
        "Answer Review",
    ),
    script(
        QUIZ,
        "Keep {score} (\"2/3\", in bold) and the <strong>…</strong> around it.",
        "You answered <strong>{score}</strong> questions correctly.",
    ),
    script(
        QUIZ,
        "After a wrong answer. Keep {retry} and {answers}: the two buttons below.",
        "You can either {retry} or {answers}.",
    ),
    script(
        QUIZ,
        "The button {retry} of \"You can either {retry} or {answers}.\"",
        "retry the quiz",
    ),
    script(
        QUIZ,
        "The button {answers} of \"You can either {retry} or {answers}.\"",
        "see the correct answers",
    ),
    script(
        QUIZ,
        "Above the reader's answer to a question",
        "You answered:",
    ),
    script(
        QUIZ,
        "Above the right answer, after a wrong one",
        "The correct answer is:",
    ),
    script(
        QUIZ,
        "The reader's answer to a program: it compiles. Keep the <strong>…</strong>.",
        "This program <strong>does</strong> compile.",
    ),
    script(
        QUIZ,
        "The reader's answer to a program: it does not compile. Keep the <strong>…</strong>.",
        "This program <strong>does not</strong> compile.",
    ),
    script(
        QUIZ,
        "Before the explanation of an answer (in bold)",
        "Context",
    ),
];

/// The book's description (book.toml), for search engines and link previews.
fn description(text: &str) -> Message<'_> {
    Message {
        context: DESCRIPTION,
        comment: "The book's description (book.toml `description`): the pages' <meta name=\"description\">, for search engines and link previews",
        msgid: text,
        plural: None,
        place: Place::Page,
    }
}

/// All messages: [`MESSAGES`] and the book's description.
pub fn all_messages(description_text: &str) -> Vec<Message<'_>> {
    let mut all = MESSAGES.to_vec();
    all.push(description(description_text));
    all
}

/// A PO string: quoted and escaped.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The header of our catalogues.
pub(crate) const POT_HEADER: &str = concat!(
    "msgid \"\"\n",
    "msgstr \"\"\n",
    "\"MIME-Version: 1.0\\n\"\n",
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n",
    "\"Content-Transfer-Encoding: 8bit\\n\"\n",
);

/// The catalogue of the interface strings, in the format of mdbook-xgettext's messages.pot.
pub fn pot(description_text: &str) -> String {
    let mut out = String::from(POT_HEADER);
    for message in all_messages(description_text) {
        let source = match message.context {
            PICKER => "theme/language-picker.js",
            DESCRIPTION => "book.toml",
            QUIZ => crate::quiz::MDBOOK_QUIZ,
            _ => "mdbook-html 0.5.4",
        };
        out.push_str(&format!("\n#. {}\n#: {source}\n", message.comment));
        if message.msgid.contains('{') {
            out.push_str("#, python-brace-format\n");
        }
        out.push_str(&format!("msgctxt {}\n", quote(message.context)));
        out.push_str(&format!("msgid {}\n", quote(message.msgid)));
        match message.plural {
            Some(plural) => {
                out.push_str(&format!("msgid_plural {}\n", quote(plural)));
                out.push_str("msgstr[0] \"\"\nmsgstr[1] \"\"\n");
            }
            None => out.push_str("msgstr \"\"\n"),
        }
    }
    out
}

/// A JSON array of strings. (By hand: the only JSON we write; serde_json
/// would add serde and its derive macro to the cold build.) Inside <script>,
/// neither "</script>" nor "<!--" may appear: `<` is written as `\u003c`.
fn json_strings(strings: &[&str]) -> String {
    let mut out = String::from("[");
    for (i, s) in strings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '<' => out.push_str("\\u003c"),
                c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                    out.push_str(&format!("\\u{:04x}", u32::from(c)));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

/// `nplurals` of a po file's `Plural-Forms` header (1 if it has none).
pub fn plural_forms(po_text: &str) -> usize {
    po_text
        .split("nplurals=")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(1)
}

/// The translations of the interface in one po file. Untranslated and fuzzy
/// messages stay English (`po-check` fails on them); `missing` names them.
pub struct Catalogue {
    /// The strings of the page: English -> translated.
    page: Rc<HashMap<String, String>>,
    /// How often each string of the page was found.
    matched: Rc<RefCell<HashMap<String, usize>>>,
    /// theme/interface.js's catalogue, as JSON.
    script_json: String,
    pub missing: Vec<String>,
}

impl Catalogue {
    pub fn new(entries: &[Entry], plural_forms: usize, description_text: &str) -> Catalogue {
        let mut page = HashMap::new();
        let mut script = Vec::new();
        let mut missing = Vec::new();
        for message in all_messages(description_text) {
            let entry = entries.iter().find(|e| {
                e.msgctxt.as_deref() == Some(message.context) && e.msgid == message.msgid
            });
            let english: Vec<&str> = std::iter::once(message.msgid)
                .chain(message.plural)
                .collect();
            let translated = match entry {
                Some(e) if e.is_translated() && !e.fuzzy => e.msgstr.clone(),
                _ => {
                    missing.push(format!("{}: \"{}\"", message.context, message.msgid));
                    english.iter().map(|s| s.to_string()).collect()
                }
            };
            match message.place {
                Place::Page => {
                    page.insert(message.msgid.to_string(), translated[0].clone());
                }
                Place::Script => {
                    let translated: Vec<&str> = translated.iter().map(String::as_str).collect();
                    script.push(format!(
                        "{{\"en\":{},\"tr\":{}}}",
                        json_strings(&english),
                        json_strings(&translated)
                    ));
                }
            }
        }
        Catalogue {
            page: Rc::new(page),
            matched: Rc::default(),
            script_json: format!(
                "{{\"plurals\":{plural_forms},\"messages\":[{}]}}",
                script.join(",")
            ),
            missing,
        }
    }

    /// The strings of the page that no page held (has mdBook changed its template?).
    pub fn unmatched(&self) -> Vec<&str> {
        let matched = self.matched.borrow();
        let mut unmatched: Vec<&str> = self
            .page
            .keys()
            .filter(|k| !matched.contains_key(*k))
            .map(String::as_str)
            .collect();
        unmatched.sort();
        unmatched
    }

    /// Rewrites one page of the translation.
    pub fn rewrite(&self, html: &str) -> Result<String, String> {
        let lookup = {
            let page = self.page.clone();
            let matched = self.matched.clone();
            move |english: &str| -> Option<String> {
                let translated = page.get(english)?;
                *matched.borrow_mut().entry(english.to_string()).or_default() += 1;
                Some(translated.clone())
            }
        };
        // Elements whose inner HTML is one message: their content is
        // collected (and removed) as it comes, and written back, translated,
        // before their end tag.
        let whole = "#mdbook-help-popup h2, #mdbook-help-popup p, #mdbook-theme-list button";
        let inner: Rc<RefCell<Option<String>>> = Rc::default();
        let handlers = vec![
            element!("[title], [aria-label], [placeholder]", |el| {
                for name in ["title", "aria-label", "placeholder"] {
                    translate_attribute(el, name, &lookup)?;
                }
                Ok(())
            }),
            element!("meta[name=description]", |el| {
                translate_attribute(el, "content", &lookup)
            }),
            element!("head", |el| {
                let script = format!(
                    "<script type=\"application/json\" id=\"book-interface\">{}</script>\n",
                    self.script_json
                );
                el.append(&script, ContentType::Html);
                Ok(())
            }),
            element!(whole, |el| {
                *inner.borrow_mut() = Some(String::new());
                let inner = inner.clone();
                let lookup = lookup.clone();
                el.on_end_tag(end_tag!(move |end| {
                    let content = inner.borrow_mut().take().unwrap_or_default();
                    let message = content.trim();
                    let out = match lookup(message) {
                        Some(translated) => content.replacen(message, &translated, 1),
                        None => content.clone(),
                    };
                    end.before(&out, ContentType::Html);
                    Ok(())
                }))
            }),
            element!("#mdbook-help-popup p *", |el| {
                let mut collecting = inner.borrow_mut();
                let Some(buffer) = collecting.as_mut() else {
                    return Ok(());
                };
                let name = el.tag_name();
                buffer.push('<');
                buffer.push_str(&name);
                for attribute in el.attributes() {
                    let value = attribute
                        .value()
                        .replace('&', "&amp;")
                        .replace('"', "&quot;");
                    buffer.push_str(&format!(" {}=\"{value}\"", attribute.name()));
                }
                buffer.push('>');
                drop(collecting);
                let inner = inner.clone();
                el.on_end_tag(end_tag!(move |_| {
                    if let Some(buffer) = inner.borrow_mut().as_mut() {
                        buffer.push_str(&format!("</{name}>"));
                    }
                    Ok(())
                }))?;
                el.remove_and_keep_content();
                Ok(())
            }),
            text!(whole, |chunk| {
                if let Some(buffer) = inner.borrow_mut().as_mut() {
                    buffer.push_str(chunk.as_str());
                    chunk.remove();
                }
                Ok(())
            }),
        ];
        let mut settings = RewriteStrSettings::new();
        for handler in handlers {
            settings = settings.append_element_content_handler(handler);
        }
        rewrite_str(html, settings).map_err(|e| e.to_string())
    }
}

/// Translates one attribute of an element, if its value is a string of the interface.
fn translate_attribute(
    el: &mut lol_html::html_content::Element<'_, '_>,
    name: &str,
    lookup: &impl Fn(&str) -> Option<String>,
) -> lol_html::HandlerResult {
    // lol_html gives and takes attribute values as they are written in the
    // HTML: character references are decoded (by html5gum) before the lookup,
    // and `&` is escaped in the translation (lol_html escapes `"`).
    let Some(raw) = el.get_attribute(name) else {
        return Ok(());
    };
    let value = crate::links::tags(&format!("<a v=\"{raw}\">"))
        .pop()
        .and_then(|tag| tag.attrs.into_iter().next())
        .map_or(raw, |(_, value)| value);
    if let Some(translated) = lookup(&value) {
        el.set_attribute(name, &translated.replace('&', "&amp;"))?;
    }
    Ok(())
}

/// Rewrites every HTML page under `dir` with the translations in `catalogue`.
pub fn apply(dir: &Path, catalogue: &Catalogue) -> Result<usize, String> {
    let mut pages = 0;
    for file in crate::walk_files(dir)? {
        if file.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = crate::read_text(&file)?;
        let rewritten = catalogue
            .rewrite(&html)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        std::fs::write(&file, rewritten).map_err(|e| crate::io_error(&file, &e))?;
        pages += 1;
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::po;

    const DESCRIPTION_TEXT: &str = "A \"book\" <about> servers.";

    /// A po file with the interface translated as `translate` says (None: left empty).
    fn po_file(translate: impl Fn(&str) -> Option<String>) -> Vec<Entry> {
        let mut entries = po::parse(&pot(DESCRIPTION_TEXT)).unwrap();
        for entry in &mut entries {
            if let Some(t) = translate(&entry.msgid) {
                for (i, form) in entry.msgstr.iter_mut().enumerate() {
                    *form = format!("{t}{}", if i > 0 { " (n)" } else { "" });
                }
            }
        }
        entries
    }

    fn german() -> Catalogue {
        let entries = po_file(|msgid| {
            Some(match msgid {
                "Press <kbd>?</kbd> to show this help" => {
                    "Drücke <kbd>?</kbd> für die Hilfe".into()
                }
                "Coal" => "Kohle".into(),
                "Next chapter" => "Nächstes Kapitel".into(),
                "Search (`/`)" => "Suchen (`/`)".into(),
                "Search this book ..." => "Suchen …".into(),
                "Copied!" => "Kopiert!".into(),
                m if m == DESCRIPTION_TEXT => "Ein \"Buch\" <über> & Server.".into(),
                _ => return None,
            })
        });
        Catalogue::new(&entries, 2, DESCRIPTION_TEXT)
    }

    #[test]
    fn the_catalogue_is_a_valid_pot_with_every_message() {
        let entries = po::parse(&pot(DESCRIPTION_TEXT)).unwrap();
        assert_eq!(entries.len(), MESSAGES.len() + 1);
        for (entry, message) in entries.iter().zip(all_messages(DESCRIPTION_TEXT)) {
            assert_eq!(entry.msgctxt.as_deref(), Some(message.context));
            assert_eq!(entry.msgid, message.msgid);
            assert_eq!(entry.msgid_plural.as_deref(), message.plural);
            assert!(!entry.is_translated());
        }
        assert_eq!(entries.last().unwrap().msgid, DESCRIPTION_TEXT);
        // Each string once: the rewriting looks them up by their English text.
        let mut msgids: Vec<_> = MESSAGES.iter().map(|m| m.msgid).collect();
        msgids.sort();
        msgids.dedup();
        assert_eq!(msgids.len(), MESSAGES.len());
    }

    #[test]
    fn rewrites_attributes_texts_keys_and_the_description() {
        let html = concat!(
            "<html><head><meta name=\"description\" content=\"A &quot;book&quot; &lt;about&gt; servers.\"></head><body>",
            "<div id=\"mdbook-help-popup\"><h2>Keyboard shortcuts</h2>",
            "<p>Press <kbd>?</kbd> to show this help</p></div>",
            "<ul id=\"mdbook-theme-list\"><li><button id=\"mdbook-theme-coal\">Coal</button></li></ul>",
            "<button title=\"Search (`/`)\" aria-label=\"Toggle Searchbar\"></button>",
            "<input placeholder=\"Search this book ...\">",
            "<a title=\"Next chapter\" aria-label=\"Next chapter\" href=\"ch02.html\">→</a>",
            "<main><p>Coal and Next chapter, as the book says them.</p></main>",
            "</body></html>",
        );
        let catalogue = german();
        let out = catalogue.rewrite(html).unwrap();
        for expected in [
            "<meta name=\"description\" content=\"Ein &quot;Buch&quot; <über> &amp; Server.\">",
            "<p>Drücke <kbd>?</kbd> für die Hilfe</p>",
            "<button id=\"mdbook-theme-coal\">Kohle</button>",
            "<button title=\"Suchen (`/`)\" aria-label=\"Toggle Searchbar\"></button>",
            "<input placeholder=\"Suchen …\">",
            "<a title=\"Nächstes Kapitel\" aria-label=\"Nächstes Kapitel\" href=\"ch02.html\">→</a>",
            // Untranslated: stays English. The book's own text is not the interface.
            "<h2>Keyboard shortcuts</h2>",
            "<main><p>Coal and Next chapter, as the book says them.</p></main>",
        ] {
            assert!(out.contains(expected), "no {expected} in {out}");
        }
        // The strings of the scripts, for theme/interface.js; no "<" inside <script>.
        let script = out
            .split("<script type=\"application/json\" id=\"book-interface\">")
            .nth(1)
            .unwrap();
        let json = script.split("</script>").next().unwrap();
        assert!(json.starts_with(
            "{\"plurals\":2,\"messages\":[{\"en\":[\"{count} search result for '{term}':\","
        ));
        assert!(json.contains("{\"en\":[\"Copied!\"],\"tr\":[\"Kopiert!\"]}"));
        assert!(json.ends_with("]}"));
        assert!(!json.contains('<'));

        assert!(
            catalogue
                .missing
                .iter()
                .any(|m| m.contains("Keyboard shortcuts"))
        );
        assert!(!catalogue.missing.iter().any(|m| m.contains("Coal")));
        let unmatched = catalogue.unmatched();
        assert!(unmatched.contains(&"Previous chapter"), "{unmatched:?}");
        assert!(!unmatched.contains(&"Next chapter"));
        assert!(!unmatched.contains(&"Keyboard shortcuts"));
    }

    #[test]
    fn fuzzy_translations_are_not_used() {
        let mut entries = po_file(|m| (m == "Coal").then(|| "Kohle".to_string()));
        entries.iter_mut().for_each(|e| e.fuzzy = true);
        let catalogue = Catalogue::new(&entries, 2, DESCRIPTION_TEXT);
        let out = catalogue
            .rewrite("<ul id=\"mdbook-theme-list\"><button>Coal</button></ul>")
            .unwrap();
        assert!(out.contains("<button>Coal</button>"), "{out}");
    }

    #[test]
    fn writes_json_strings() {
        assert_eq!(json_strings(&[]), "[]");
        assert_eq!(
            json_strings(&["a\"b\\c", "</script><!--\n\u{1}\u{2028}é"]),
            r#"["a\"b\\c","\u003c/script>\u003c!--\u000a\u0001\u2028é"]"#
        );
    }

    #[test]
    fn reads_the_number_of_plural_forms() {
        assert_eq!(
            plural_forms("\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\""),
            2
        );
        assert_eq!(
            plural_forms("\"Plural-Forms: nplurals=3; plural=x;\\n\""),
            3
        );
        assert_eq!(plural_forms("msgid \"\""), 1);
    }
}
