//! `search-index`: rebuilds the search index mdBook wrote for one language of
//! the book with that language's rules.
//!
//! mdBook 0.5 always indexes with elasticlunr's English pipeline: English stop
//! words ("was", "also" are dropped from a German book) and the English Porter
//! stemmer. This rebuilds the index from the documents mdBook stored in it
//! (`documentStore`), with one pipeline function, `book-terms`, that turns a
//! word into its search term:
//!
//! - English: accents folded, then elasticlunr's English pipeline as before
//!   (trimmer, stop words, Porter stemmer);
//! - German, Brazilian Portuguese: that language's Snowball stemmer
//!   (`rust-stemmers`) on the word as written, then accents folded; no stop
//!   words (a reader who searches for „was" means it).
//!
//! The browser turns the words of a query into terms with
//! `theme/search-terms.js`, from what this writes into the index file next to
//! the index (`search_terms`): the term of every word of the book, keyed by the
//! word with its accents folded (so „Empfanger" finds „Empfänger", "conexao"
//! finds "conexão"), and how every non-ASCII character of the book folds. Words
//! that are not in the book fall back to a rule of the browser side (`fallback`).
//!
//! The rewritten index gets a new fingerprinted name, as mdBook names it
//! (`searchindex-<first 4 bytes of SHA-256, hex>.js`), and so does `searcher.js`,
//! which names the index; every page is updated to the new names.

use elasticlunr::lang::{English, Language};
use elasticlunr::pipeline::{Pipeline, PipelineFn};
use elasticlunr::{Index, IndexBuilder};
use rust_stemmers::{Algorithm, Stemmer};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What mdBook writes around the index JSON (see mdbook-html's search.rs).
const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
const SUFFIX: &str = "'));";

/// The browser side: registers `book-terms` before searcher.js loads the index.
const SEARCH_TERMS_JS: &str = include_str!("../../../theme/search-terms.js");

/// mdBook drops longer tokens from its index (`MAX_WORD_LENGTH_TO_INDEX`).
const MAX_WORD_LENGTH: usize = 80;

/// The fields of mdBook's documents, in the order of its index.
const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// How one language turns words into search terms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rules {
    /// elasticlunr's English pipeline, after folding.
    English,
    /// German: the Snowball stemmer, before folding; no stop words.
    German,
    /// Portuguese: the Snowball stemmer, then the nasal vowel of -ão, -ões,
    /// -ães dropped (Snowball keeps "conexão" and "conexões" apart), before
    /// folding; no stop words.
    Portuguese,
}

impl Rules {
    /// The rules for a language code of the book; `None` for a language we do not know.
    pub fn for_language(code: &str) -> Option<Rules> {
        match code {
            "en" => Some(Rules::English),
            "de" => Some(Rules::German),
            "pt-BR" | "pt" => Some(Rules::Portuguese),
            _ => None,
        }
    }

    /// What the browser does with a word the book does not contain.
    fn fallback(self) -> &'static str {
        match self {
            // The same English pipeline, in elasticlunr.js.
            Rules::English => "english",
            // The longest term of the index the word starts with, at most
            // five letters shorter and at least four long (theme/search-terms.js).
            Rules::German | Rules::Portuguese => "stem-prefix",
        }
    }
}

/// Turns words into terms by one language's rules.
struct Terms {
    rules: Rules,
    english: Pipeline,
    stemmer: Option<Stemmer>,
}

impl Terms {
    fn new(rules: Rules) -> Terms {
        let stemmer = match rules {
            Rules::English => None,
            Rules::German => Some(Stemmer::create(Algorithm::German)),
            Rules::Portuguese => Some(Stemmer::create(Algorithm::Portuguese)),
        };
        Terms {
            rules,
            english: English::new().make_pipeline(),
            stemmer,
        }
    }

    /// The search term of one token (lower-case, as `tokenize` makes them);
    /// `None` if the token has no term (punctuation, an English stop word).
    fn term(&self, token: &str) -> Option<String> {
        let word = trim(token);
        let term = match self.rules {
            Rules::English => self
                .english
                .run(vec![trim(&fold(word)).to_string()])
                .pop()?,
            Rules::German | Rules::Portuguese => {
                let stemmer = self.stemmer.as_ref().expect("a Snowball stemmer");
                let stem = stemmer.stem(word);
                let stem = match self.rules {
                    Rules::Portuguese if stem.chars().count() > 2 => {
                        stem.trim_end_matches(['ã', 'õ'])
                    }
                    _ => &stem,
                };
                fold(stem)
            }
        };
        (!term.is_empty()).then_some(term)
    }
}

/// Splits text as mdBook 0.5.4 does for its index (and elasticlunr.js for a
/// query): at whitespace and `-`, lower-cased; tokens over 80 bytes dropped.
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().to_lowercase())
        .filter(|s| s.len() <= MAX_WORD_LENGTH)
        .collect()
}

/// Removes diacritics (what Unicode decomposes into a letter and combining
/// marks) and writes `ß` as `ss`.
pub fn fold(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    for c in word.nfd().filter(|&c| !is_combining_mark(c)) {
        match c {
            'ß' => folded.push_str("ss"),
            _ => folded.push(c),
        }
    }
    folded
}

/// Strips what is not a letter or a digit from both ends of a token.
pub fn trim(token: &str) -> &str {
    token.trim_matches(|c: char| !(c.is_alphabetic() || c.is_numeric()))
}

/// The key the browser looks a query word up by.
fn key(token: &str) -> String {
    trim(&fold(token)).to_string()
}

/// The term of each folded word of the book: where spellings fold alike
/// ("alias", "aliás"), one term for all, so that a search finds each.
type Chosen = Rc<HashMap<String, String>>;

/// elasticlunr-rs's `Language` for our rules: mdBook's tokenizer, one pipeline function.
struct BookLanguage(Rules, Chosen);

struct BookTerms(Terms, Chosen);

impl PipelineFn for BookTerms {
    fn name(&self) -> String {
        "book-terms".into()
    }

    fn filter(&self, token: String) -> Option<String> {
        match self.1.get(&key(&token)) {
            Some(term) => (!term.is_empty()).then(|| term.clone()),
            None => self.0.term(&token),
        }
    }
}

impl Language for BookLanguage {
    fn name(&self) -> String {
        "Book".into()
    }

    fn code(&self) -> String {
        "book".into()
    }

    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize(text)
    }

    fn make_pipeline(&self) -> Pipeline {
        Pipeline {
            queue: vec![Box::new(BookTerms(Terms::new(self.0), self.1.clone()))],
        }
    }
}

/// What the browser needs to turn a query into the index's terms.
#[derive(Debug, Default, PartialEq)]
pub struct QueryTerms {
    /// Folded word → its term, where the two differ ("" for a word without a term).
    pub lookup: BTreeMap<String, String>,
    /// Every non-ASCII character of the book → what folding makes of it.
    pub chars: BTreeMap<char, String>,
}

/// The documents of an index (each its fields' texts in `FIELDS` order), by ref.
type Docs = Vec<(String, Vec<String>)>;

/// Builds the index and the query terms of the documents.
pub fn build(docs: &Docs, rules: Rules) -> (Index, QueryTerms) {
    let terms = Terms::new(rules);
    // For each folded word, how often each term stands for it.
    let mut seen: HashMap<String, HashMap<String, usize>> = HashMap::new();
    let mut chars = BTreeMap::new();
    for (_, fields) in docs {
        for text in fields {
            for c in text.chars().filter(|c| !c.is_ascii()) {
                for lower in c.to_lowercase() {
                    chars
                        .entry(lower)
                        .or_insert_with(|| fold(&lower.to_string()));
                }
            }
            for token in tokenize(text) {
                let term = terms.term(&token).unwrap_or_default();
                *seen
                    .entry(key(&token))
                    .or_default()
                    .entry(term)
                    .or_default() += 1;
            }
        }
    }
    let mut chosen = HashMap::new();
    for (word, counts) in seen {
        if word.is_empty() {
            continue;
        }
        // Where two spellings fold alike, the more frequent one's term (then the shorter).
        let (term, _) = counts
            .into_iter()
            .max_by(|(a, n), (b, m)| n.cmp(m).then(b.len().cmp(&a.len())).then(b.cmp(a)))
            .expect("at least one term");
        chosen.insert(word, term);
    }
    let lookup = chosen
        .iter()
        .filter(|(word, term)| word != term)
        .map(|(word, term)| (word.clone(), term.clone()))
        .collect();
    let language = BookLanguage(rules, Rc::new(chosen));
    let mut index = IndexBuilder::with_language(Box::new(language))
        .add_fields(FIELDS)
        .build();
    for (doc_ref, fields) in docs {
        index.add_doc(doc_ref, fields);
    }
    (index, QueryTerms { lookup, chars })
}

/// What `rebuild` did.
#[derive(Debug)]
pub struct Report {
    pub file: String,
    pub docs: usize,
    pub lookup: usize,
}

/// Rebuilds `searchindex-*.js` in `dir` (a built book's `html/`) with `rules`,
/// under its new fingerprinted name, and updates every page and `searcher-*.js`.
pub fn rebuild(dir: &Path, rules: Rules) -> Result<Report, String> {
    let index_file = only_file(dir, "searchindex-", ".js")?;
    let text = crate::read_text(&index_file)?;
    let mut json = parse_index_js(&text).map_err(|e| format!("{}: {e}", index_file.display()))?;
    let docs = documents(&json).map_err(|e| format!("{}: {e}", index_file.display()))?;

    let (index, query) = build(&docs, rules);
    let object = json.as_object_mut().expect("an object");
    object.insert(
        "index".into(),
        serde_json::to_value(&index).map_err(|e| e.to_string())?,
    );
    object.insert(
        "search_terms".into(),
        json!({
            "fallback": rules.fallback(),
            "lookup": query.lookup,
            "chars": query.chars,
        }),
    );
    let new_index = write_fingerprinted(dir, "searchindex", &index_js(&json))?;

    // searcher.js names the index (when a page does not); it gets a new name too.
    let searcher_file = only_file(dir, "searcher-", ".js")?;
    let old_index = file_name(&index_file);
    let searcher = crate::read_text(&searcher_file)?.replace(&old_index, &new_index);
    let new_searcher = write_fingerprinted(dir, "searcher", &searcher)?;
    let old_searcher = file_name(&searcher_file);
    for old in [&index_file, &searcher_file] {
        std::fs::remove_file(old).map_err(|e| crate::io_error(old, &e))?;
    }
    for page in crate::walk_files(dir)? {
        if page.extension().is_some_and(|e| e == "html") {
            let html = crate::read_text(&page)?;
            let updated = html
                .replace(&old_index, &new_index)
                .replace(&old_searcher, &new_searcher);
            if updated != html {
                std::fs::write(&page, updated).map_err(|e| crate::io_error(&page, &e))?;
            }
        }
    }
    Ok(Report {
        file: new_index,
        docs: docs.len(),
        lookup: query.lookup.len(),
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The one file in `dir` named `<prefix>…<suffix>`.
fn only_file(dir: &Path, prefix: &str, suffix: &str) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::io_error(dir, &e))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| crate::io_error(dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(suffix) {
            found.push(entry.path());
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(format!(
            "{}: {n} files {prefix}*{suffix}, expected exactly one (is search enabled?)",
            dir.display()
        )),
    }
}

/// Writes `content` as `<name>-<fingerprint>.js` in `dir`; returns the file name.
fn write_fingerprinted(dir: &Path, name: &str, content: &str) -> Result<String, String> {
    let digest = Sha256::digest(content.as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let file = format!("{name}-{hex}.js");
    let path = dir.join(&file);
    std::fs::write(&path, content).map_err(|e| crate::io_error(&path, &e))?;
    Ok(file)
}

/// The JSON inside mdBook's `searchindex.js`.
pub fn parse_index_js(text: &str) -> Result<Value, String> {
    let quoted = text
        .strip_prefix(PREFIX)
        .and_then(|t| t.trim_end().strip_suffix(SUFFIX))
        .ok_or("not the searchindex.js mdBook 0.5 writes (rebuilt already?)")?;
    // mdBook escapes `\` and `'` with a backslash; undo exactly that.
    let mut json = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        json.push(if c == '\\' {
            chars.next().ok_or("a backslash at the end")?
        } else {
            c
        });
    }
    let value: Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    if !value.is_object() {
        return Err("the index is not a JSON object".into());
    }
    Ok(value)
}

/// `searchindex.js` for the JSON, written as mdBook writes it.
pub fn index_js(json: &Value) -> String {
    let text = json.to_string().replace('\\', "\\\\").replace('\'', "\\'");
    format!("{SEARCH_TERMS_JS}{PREFIX}{text}{SUFFIX}")
}

/// The documents mdBook stored in the index, in the order of their refs.
fn documents(json: &Value) -> Result<Docs, String> {
    let docs = json
        .pointer("/index/documentStore/docs")
        .and_then(Value::as_object)
        .ok_or("no documentStore in the index")?;
    let mut out = Vec::with_capacity(docs.len());
    for (doc_ref, doc) in docs {
        let doc: &Map<String, Value> = doc.as_object().ok_or("a document is not an object")?;
        let fields = FIELDS
            .iter()
            .map(|f| {
                doc.get(*f)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("document {doc_ref} has no {f}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push((doc_ref.clone(), fields));
    }
    // Refs are numbers: keep mdBook's order (0, 1, 2, ..., not 0, 1, 10).
    out.sort_by_key(|(r, _)| r.parse::<u64>().unwrap_or(u64::MAX));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(texts: &[&str]) -> Docs {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    i.to_string(),
                    vec![String::new(), t.to_string(), String::new()],
                )
            })
            .collect()
    }

    fn terms(code: &str, token: &str) -> Option<String> {
        Terms::new(Rules::for_language(code).unwrap()).term(token)
    }

    #[test]
    fn folding_removes_accents_and_writes_sharp_s_as_ss() {
        assert_eq!(fold("empfänger"), "empfanger");
        assert_eq!(fold("conexão requisição é"), "conexao requisicao e");
        assert_eq!(fold("schließen"), "schliessen");
        assert_eq!(fold("tcp"), "tcp");
    }

    #[test]
    fn german_keeps_its_words_and_stems_them() {
        assert_eq!(terms("de", "was").as_deref(), Some("was"));
        assert_eq!(terms("de", "also").as_deref(), Some("also"));
        assert_eq!(terms("de", "verbindungen"), terms("de", "verbindung"));
        assert_eq!(terms("de", "empfänger"), terms("de", "empfanger"));
        assert_eq!(terms("de", "„anfrage“,"), terms("de", "anfragen"));
    }

    #[test]
    fn portuguese_stems_the_accented_word_then_folds() {
        assert_eq!(terms("pt-BR", "conexões"), terms("pt-BR", "conexão"));
        assert_eq!(terms("pt-BR", "requisições"), terms("pt-BR", "requisição"));
        assert_eq!(terms("pt-BR", "conexão").as_deref(), Some("conex"));
        assert!(terms("pt-BR", "requisição").unwrap().is_ascii());
        assert_eq!(terms("pt-BR", "é").as_deref(), Some("e"));
    }

    #[test]
    fn english_keeps_its_stop_words_and_porter_stemmer() {
        assert_eq!(terms("en", "the"), None);
        assert_eq!(terms("en", "connections").as_deref(), Some("connect"));
        assert_eq!(terms("en", "café").as_deref(), Some("cafe"));
    }

    #[test]
    fn the_lookup_takes_unaccented_words_to_the_accented_words_terms() {
        let (_, query) = build(
            &docs(&["Eine Verbindung, zwei Verbindungen; der Empfänger."]),
            Rules::for_language("de").unwrap(),
        );
        let stem = terms("de", "empfänger").unwrap();
        assert_eq!(query.lookup.get("empfanger"), Some(&stem));
        assert_eq!(
            query.lookup.get("verbindungen"),
            Some(&"verbind".to_string())
        );
        // A word that is its own term needs no entry.
        assert!(!query.lookup.contains_key("der"));
        assert_eq!(query.chars.get(&'ä').map(String::as_str), Some("a"));

        let (_, query) = build(
            &docs(&["requisição e conexão"]),
            Rules::for_language("pt-BR").unwrap(),
        );
        assert_eq!(
            query.lookup.get("requisicao"),
            terms("pt-BR", "requisição").as_ref()
        );
    }

    #[test]
    fn spellings_that_fold_alike_share_one_term() {
        let (index, query) = build(
            &docs(&["início", "inicio inicio"]),
            Rules::for_language("pt-BR").unwrap(),
        );
        let term = query
            .lookup
            .get("inicio")
            .cloned()
            .unwrap_or("inicio".into());
        let json = serde_json::to_value(&index).unwrap();
        let mut node = &json["index"]["body"]["root"];
        for c in term.chars() {
            node = &node[c.to_string()];
        }
        assert!(
            node["docs"]["0"].is_object() && node["docs"]["1"].is_object(),
            "{term}"
        );
    }

    #[test]
    fn the_index_holds_the_terms() {
        let (index, _) = build(
            &docs(&["Was wir bauen, also"]),
            Rules::for_language("de").unwrap(),
        );
        let json = serde_json::to_value(&index).unwrap();
        let body = &json["index"]["body"]["root"];
        assert!(body["w"]["a"]["s"]["docs"]["0"].is_object(), "{body}");
        assert!(body["a"]["l"]["s"]["o"]["docs"]["0"].is_object());
        assert_eq!(json["pipeline"], json!(["book-terms"]));
    }

    #[test]
    fn the_index_file_round_trips() {
        let json = json!({"doc_urls": ["a.html#it's"], "x": "back\\slash"});
        let js = index_js(&json);
        assert!(js.contains("it\\'s"));
        assert!(js.contains("registerFunction(term, 'book-terms')"));
        let written = js.strip_prefix(SEARCH_TERMS_JS).unwrap();
        assert_eq!(parse_index_js(written).unwrap(), json);
        assert!(parse_index_js(&js).is_err(), "an index is rebuilt once");
        assert!(parse_index_js("var x = 1;").is_err());
    }

    #[test]
    fn unknown_languages_have_no_rules() {
        assert_eq!(Rules::for_language("fr"), None);
    }
}
