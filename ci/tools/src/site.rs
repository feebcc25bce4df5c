//! What `ci/build.sh` does to the built site after mdBook:
//!
//! - `share-assets`: a translation's fonts, stylesheets and scripts that are
//!   byte for byte the root language's are deleted, and its pages load the
//!   root copies, so that switching language downloads none of them again.
//! - `alternates`: every page names its canonical address and its
//!   translations (`<link rel="alternate" hreflang>`, with `x-default`), and
//!   `sitemap.xml` lists every page of every language with its alternates.

use crate::links::{is_external, percent_decode, resolve};
use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What the tokenizer saw, with the byte ranges a rewrite needs.
#[derive(Debug)]
enum Piece {
    /// `<name`
    Open(String),
    /// An attribute name (lower-case).
    Name(String),
    /// An attribute's value: decoded, and where it stands in the source
    /// (without quotes).
    Value(String, Range<usize>),
    /// The `>` of a start tag.
    Close,
    /// An end tag and where it stands (`</head>`).
    End(String, Range<usize>),
}

/// One start tag with the source ranges of its attribute values.
#[derive(Debug, Default)]
struct Tag {
    name: String,
    attrs: Vec<(String, String, Option<Range<usize>>)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        (self.attrs.iter())
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v.as_str())
    }
}

/// The start tags of a page and the offset of its `</head>`, by html5gum's
/// tokenizer (the content of `<script>` and `<style>` is text, as for a browser).
struct Page {
    tags: Vec<Tag>,
    head_end: Option<usize>,
}

fn parse(html: &str) -> Page {
    let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut emitter =
        CallbackEmitter::new(|event: CallbackEvent<'_>, span: html5gum::Span<usize>| {
            Some(match event {
                CallbackEvent::OpenStartTag { name } => Piece::Open(lossy(name)),
                CallbackEvent::AttributeName { name } => Piece::Name(lossy(name)),
                CallbackEvent::AttributeValue { value } => {
                    Piece::Value(lossy(value), span.start..span.end)
                }
                CallbackEvent::CloseStartTag { .. } => Piece::Close,
                CallbackEvent::EndTag { name } => Piece::End(lossy(name), span.start..span.end),
                _ => return None,
            })
        });
    emitter.naively_switch_states(true);
    let mut page = Page {
        tags: Vec::new(),
        head_end: None,
    };
    let mut tag = Tag::default();
    for piece in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match piece {
            Piece::Open(name) => {
                tag = Tag {
                    name,
                    attrs: Vec::new(),
                }
            }
            Piece::Name(name) => tag.attrs.push((name, String::new(), None)),
            Piece::Value(value, range) => {
                if let Some(last) = tag.attrs.last_mut() {
                    *last = (std::mem::take(&mut last.0), value, Some(range));
                }
            }
            Piece::Close => page.tags.push(std::mem::take(&mut tag)),
            Piece::End(name, range) => {
                if name == "head" && page.head_end.is_none() {
                    page.head_end = Some(range.start);
                }
            }
        }
    }
    page
}

/// `text` with each range replaced, the ranges in any order and disjoint.
fn splice(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len() + 1024);
    let mut at = 0;
    for (range, replacement) in edits {
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Escapes text for an attribute value in double quotes, or for XML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| crate::io_error(path, &e))
}

fn write(path: &Path, contents: &[u8]) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| crate::io_error(path, &e))
}

fn is_html(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "html")
}

/// `path` relative to `dir`, with `/` between its parts.
fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
    parts.join("/")
}

pub struct ShareReport {
    /// Per translation: files deleted and their bytes.
    pub languages: Vec<(String, usize, u64)>,
    pub pages: usize,
}

/// The file names (last part) that a stylesheet may point to: a shared
/// stylesheet resolves its `url(...)`s against the root copy, so one that names
/// a file of its own language must stay with it.
fn names_a_file_of(css: &[u8], own: &BTreeSet<String>) -> bool {
    let css = String::from_utf8_lossy(css);
    own.iter()
        .filter_map(|path| path.rsplit('/').next())
        .any(|name| css.contains(name))
}

/// Deletes the files of each translation (`site/<language>/`) that the root
/// language has at the same path with the same bytes, and points the
/// translation's pages at the root copies. HTML pages always stay.
pub fn share_assets(
    site: &Path,
    site_root: &str,
    translations: &[String],
) -> Result<ShareReport, String> {
    if !site.is_dir() {
        return Err(format!("{}: no such directory", site.display()));
    }
    let mut report = ShareReport {
        languages: Vec::new(),
        pages: 0,
    };
    for language in translations {
        let dir = site.join(language);
        if !dir.is_dir() {
            return Err(format!("{}: no such directory", dir.display()));
        }
        let files = crate::walk_files(&dir)?;
        let mut shared = BTreeMap::new();
        let mut own = BTreeSet::new();
        for file in files.iter().filter(|f| !is_html(f)) {
            let rel = relative(&dir, file);
            let root_copy = site.join(&rel);
            let bytes = read(file)?;
            if root_copy.is_file() && read(&root_copy)? == bytes {
                shared.insert(rel, bytes);
            } else {
                own.insert(rel);
            }
        }
        // Until nothing changes: a stylesheet that names a file which stays
        // keeps its own copy, and so may another that names it.
        loop {
            let keep: Vec<String> = (shared.iter())
                .filter(|(rel, css)| rel.ends_with(".css") && names_a_file_of(css, &own))
                .map(|(rel, _)| rel.clone())
                .collect();
            if keep.is_empty() {
                break;
            }
            for rel in keep {
                shared.remove(&rel);
                own.insert(rel);
            }
        }

        for page in files.iter().filter(|f| is_html(f)) {
            let html = crate::read_text(page)?;
            let rewritten =
                point_at_root(&html, &relative(site, page), site_root, language, &shared);
            if let Some(rewritten) = rewritten {
                write(page, rewritten.as_bytes())?;
                report.pages += 1;
            }
        }
        let mut bytes = 0;
        for (rel, contents) in &shared {
            let path = dir.join(rel);
            std::fs::remove_file(&path).map_err(|e| crate::io_error(&path, &e))?;
            bytes += contents.len() as u64;
        }
        remove_empty_dirs(&dir)?;
        report
            .languages
            .push((language.clone(), shared.len(), bytes));
    }
    Ok(report)
}

/// The page with every `href` and `src` that leads to a shared file of
/// `language` pointed at the root copy; `None` if it has none.
fn point_at_root(
    html: &str,
    page: &str,
    site_root: &str,
    language: &str,
    shared: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let parsed = parse(html);
    let page_dir = Path::new(page)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    // Relative links are relative to `<base href>`, mdBook's on "not found" pages.
    let base_dir = (parsed.tags.iter())
        .find(|t| t.name == "base")
        .and_then(|t| t.attr("href"))
        .filter(|h| !is_external(h))
        .and_then(|h| {
            let h = percent_decode(h.split(['?', '#']).next().unwrap_or(""));
            let h = match h.strip_prefix(site_root) {
                Some(inside) if h.starts_with('/') => format!("/{inside}"),
                _ => h,
            };
            let dir = h.rsplit_once('/').map_or("", |(d, _)| d);
            resolve(&page_dir, dir)
        })
        .unwrap_or(page_dir);
    let up = "../".repeat(base_dir.components().count());
    let mut edits = Vec::new();
    for tag in parsed.tags.iter().filter(|t| t.name != "base") {
        for (name, value, range) in &tag.attrs {
            let Some(range) = range else { continue };
            if !matches!(name.as_str(), "href" | "src") || is_external(value) {
                continue;
            }
            let (path, rest) = value.split_at(value.find(['?', '#']).unwrap_or(value.len()));
            if path.is_empty() || path.starts_with('/') {
                continue;
            }
            let Some(target) = resolve(&base_dir, &percent_decode(path)) else {
                continue;
            };
            let Ok(inside) = target.strip_prefix(language) else {
                continue;
            };
            let inside = relative(Path::new(""), inside);
            if shared.contains_key(&inside) {
                edits.push((range.clone(), escape(&format!("{up}{inside}{rest}"))));
            }
        }
    }
    (!edits.is_empty()).then(|| splice(html, edits))
}

fn remove_empty_dirs(dir: &Path) -> Result<(), String> {
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    // The deepest first, so that a parent is empty once its children are gone.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let empty = std::fs::read_dir(&d)
            .map_err(|e| crate::io_error(&d, &e))?
            .next()
            .is_none();
        if empty {
            std::fs::remove_dir(&d).map_err(|e| crate::io_error(&d, &e))?;
        }
    }
    Ok(())
}

/// Characters a path segment of a URL cannot hold as they are.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Pages that are not a part of the book as search engines should see it:
/// the "not found" page (served with 404 wherever a page is missing) and the
/// table of contents that each page shows in a frame.
const NOT_PAGES: [&str; 2] = ["404.html", "toc.html"];

/// The public address of `page` (relative to its language's directory) in the
/// book at `url` (ending in `/`): `index.html` is its directory's address.
fn page_url(url: &str, page: &str) -> String {
    let page = page.strip_suffix("index.html").unwrap_or(page);
    let encoded: Vec<String> = (page.split('/'))
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    format!("{url}{}", encoded.join("/"))
}

/// `<meta name="robots" content="...noindex...">`: mdBook's print page.
fn is_noindex(page: &Page) -> bool {
    page.tags.iter().any(|t| {
        t.name == "meta"
            && t.attr("name")
                .is_some_and(|n| n.eq_ignore_ascii_case("robots"))
            && t.attr("content")
                .is_some_and(|c| c.to_ascii_lowercase().contains("noindex"))
    })
}

pub struct AlternatesReport {
    pub pages: usize,
    pub robots: bool,
}

/// Adds `<link rel="canonical">` and `<link rel="alternate" hreflang>` (with
/// `x-default`, the first language) to every page of every language, and
/// writes `sitemap.xml` (and `robots.txt`, if the site is at its host's root).
/// `languages[0]` is at the root of `site`, each other under `<language>/`;
/// `url` is the public address of the root, ending in `/`.
pub fn alternates(
    site: &Path,
    url: &str,
    languages: &[String],
) -> Result<AlternatesReport, String> {
    let Some((default, translations)) = languages.split_first() else {
        return Err("no language given".to_string());
    };
    let url = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    let after_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("the site's address `{url}` is not an absolute http(s) URL"))?;
    if !site.is_dir() {
        return Err(format!("{}: no such directory", site.display()));
    }

    // Per page (relative to its language's directory): the languages it has.
    let mut pages: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut parsed = BTreeMap::new();
    for language in languages {
        let dir = if language == default {
            site.to_path_buf()
        } else {
            site.join(language)
        };
        for file in crate::walk_files(&dir)?.iter().filter(|f| is_html(f)) {
            let rel = relative(&dir, file);
            let in_translation = language == default
                && translations
                    .iter()
                    .any(|t| rel.starts_with(&format!("{t}/")));
            if in_translation || NOT_PAGES.contains(&rel.as_str()) {
                continue;
            }
            let html = crate::read_text(file)?;
            let page = parse(&html);
            if page.tags.iter().any(|t| {
                t.name == "link"
                    && t.attr("rel")
                        .is_some_and(|r| r.eq_ignore_ascii_case("canonical"))
            }) {
                return Err(format!("{}: has a canonical link already", file.display()));
            }
            if is_noindex(&page) {
                continue;
            }
            let Some(head_end) = page.head_end else {
                return Err(format!("{}: no </head>", file.display()));
            };
            pages.entry(rel.clone()).or_default().push(language);
            parsed.insert((language.as_str(), rel), (file.clone(), html, head_end));
        }
    }

    let address = |language: &str, page: &str| {
        if language == default {
            page_url(&url, page)
        } else {
            page_url(&format!("{url}{language}/"), page)
        }
    };
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (page, langs) in &pages {
        // Every language of the page, itself included, and the default for
        // readers of any other language.
        let mut alternates: Vec<(&str, String)> =
            langs.iter().map(|l| (*l, address(l, page))).collect();
        if langs.contains(&default.as_str()) {
            alternates.push(("x-default", address(default, page)));
        }
        for language in langs {
            let own = address(language, page);
            let _ = writeln!(sitemap, "  <url>\n    <loc>{}</loc>", escape(&own));
            let mut links = format!("<link rel=\"canonical\" href=\"{}\">\n", escape(&own));
            for (hreflang, href) in &alternates {
                let _ = writeln!(
                    sitemap,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\"/>",
                    escape(href)
                );
                let _ = writeln!(
                    links,
                    "        <link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\">",
                    escape(href)
                );
            }
            sitemap.push_str("  </url>\n");
            let (file, html, head_end) = &parsed[&(*language, page.clone())];
            let edit = (*head_end..*head_end, format!("    {links}    "));
            write(file, splice(html, vec![edit]).as_bytes())?;
        }
    }
    sitemap.push_str("</urlset>\n");
    write(&site.join("sitemap.xml"), sitemap.as_bytes())?;

    // Crawlers read robots.txt only at the root of a host.
    let at_host_root = after_scheme
        .find('/')
        .is_none_or(|slash| &after_scheme[slash..] == "/");
    if at_host_root {
        let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {url}sitemap.xml\n");
        write(&site.join("robots.txt"), robots.as_bytes())?;
    }
    Ok(AlternatesReport {
        pages: parsed.len(),
        robots: at_host_root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site(name: &str, files: &[(&str, &str)]) -> PathBuf {
        crate::testdir::tree(&format!("site-{name}"), files)
    }

    fn text(dir: &Path, path: &str) -> String {
        fs::read_to_string(dir.join(path)).unwrap()
    }

    const PAGE: &str = "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"css/a-1.css\">\
        <script>var x = '<script src=\"css/a-1.css\">';</script>\
        <script src=\"toc-2.js\"></script></head><body>\
        <a href=\"css/a-1.css#x\">a</a><img src='fonts/f.woff2'><a href=\"other.html\">o</a></body></html>";

    #[test]
    fn shares_identical_files_and_points_pages_at_them() {
        let dir = site(
            "share",
            &[
                ("css/a-1.css", "a { background: url(../fonts/f.woff2) }"),
                ("fonts/f.woff2", "font"),
                ("toc-2.js", "english"),
                ("de/css/a-1.css", "a { background: url(../fonts/f.woff2) }"),
                ("de/fonts/f.woff2", "font"),
                ("de/toc-2.js", "deutsch"),
                ("de/x.html", PAGE),
                ("de/sub/y.html", "<link href=\"../css/a-1.css?v=1\">"),
                (
                    // Served for any missing address: links are relative to `<base>`.
                    "de/deep/404.html",
                    "<base href=\"/book/de/\"><link href=\"css/a-1.css\">",
                ),
            ],
        );
        let report = share_assets(&dir, "/book/", &["de".to_string()]).unwrap();
        assert_eq!(report.languages, vec![("de".to_string(), 2, 43)]);
        assert_eq!(report.pages, 3);
        assert!(!dir.join("de/css").exists() && !dir.join("de/fonts").exists());
        assert_eq!(text(&dir, "de/toc-2.js"), "deutsch");
        assert_eq!(
            text(&dir, "de/x.html"),
            PAGE.replace("\"css/a-1.css\">", "\"../css/a-1.css\">")
                .replace("css/a-1.css#x", "../css/a-1.css#x")
                .replace("'fonts/f.woff2'", "'../fonts/f.woff2'")
                .replacen(
                    "'<script src=\"../css/a-1.css\">'",
                    "'<script src=\"css/a-1.css\">'",
                    1
                )
        );
        assert_eq!(
            text(&dir, "de/sub/y.html"),
            "<link href=\"../../css/a-1.css?v=1\">"
        );
        assert_eq!(
            text(&dir, "de/deep/404.html"),
            "<base href=\"/book/de/\"><link href=\"../css/a-1.css\">"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_stylesheet_that_names_a_file_of_its_own_stays() {
        let dir = site(
            "own-css",
            &[
                ("a.css", "url(f.woff2)"),
                ("f.woff2", "english font"),
                ("de/a.css", "url(f.woff2)"),
                ("de/f.woff2", "deutsche Schrift"),
                ("de/x.html", "<link href=\"a.css\">"),
            ],
        );
        let report = share_assets(&dir, "/", &["de".to_string()]).unwrap();
        assert_eq!(report.languages, vec![("de".to_string(), 0, 0)]);
        assert_eq!(text(&dir, "de/x.html"), "<link href=\"a.css\">");
        assert!(dir.join("de/a.css").exists());
        fs::remove_dir_all(dir).unwrap();
    }

    fn book(name: &str) -> PathBuf {
        let page = |lang: &str| {
            format!(
                "<html lang=\"{lang}\"><head>\n    <title>t</title>\n</head><body></body></html>"
            )
        };
        site(
            name,
            &[
                ("index.html", &page("en")),
                ("ch01.html", &page("en")),
                ("only-en.html", &page("en")),
                (
                    "print.html",
                    "<head><meta name=\"robots\" content=\"noindex\"></head>",
                ),
                ("404.html", &page("en")),
                ("toc.html", &page("en")),
                ("de/index.html", &page("de")),
                ("de/ch01.html", &page("de")),
                ("de/404.html", &page("de")),
                ("pt-BR/ch01.html", &page("pt-BR")),
            ],
        )
    }

    fn langs() -> Vec<String> {
        ["en", "de", "pt-BR"].map(String::from).to_vec()
    }

    #[test]
    fn every_page_names_its_translations() {
        let dir = book("alternates");
        let url = "https://example.org/book";
        let report = alternates(&dir, url, &langs()).unwrap();
        assert_eq!((report.pages, report.robots), (6, false));
        let u = "https://example.org/book/";
        assert_eq!(
            text(&dir, "de/ch01.html"),
            format!(
                "<html lang=\"de\"><head>\n    <title>t</title>\n    \
                 <link rel=\"canonical\" href=\"{u}de/ch01.html\">\n        \
                 <link rel=\"alternate\" hreflang=\"en\" href=\"{u}ch01.html\">\n        \
                 <link rel=\"alternate\" hreflang=\"de\" href=\"{u}de/ch01.html\">\n        \
                 <link rel=\"alternate\" hreflang=\"pt-BR\" href=\"{u}pt-BR/ch01.html\">\n        \
                 <link rel=\"alternate\" hreflang=\"x-default\" href=\"{u}ch01.html\">\n    \
                 </head><body></body></html>"
            )
        );
        let index = text(&dir, "index.html");
        assert!(
            index.contains(&format!("<link rel=\"canonical\" href=\"{u}\">")),
            "{index}"
        );
        assert!(
            index.contains(&format!("hreflang=\"de\" href=\"{u}de/\"")),
            "{index}"
        );
        assert!(!index.contains("pt-BR"), "{index}");
        for page in ["404.html", "de/404.html", "toc.html", "print.html"] {
            assert!(!text(&dir, page).contains("canonical"), "{page}");
        }
        let sitemap = text(&dir, "sitemap.xml");
        let locs: Vec<&str> = sitemap
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<loc>")?.strip_suffix("</loc>"))
            .collect();
        assert_eq!(
            locs,
            [
                format!("{u}ch01.html"),
                format!("{u}de/ch01.html"),
                format!("{u}pt-BR/ch01.html"),
                u.to_string(),
                format!("{u}de/"),
                format!("{u}only-en.html"),
            ]
        );
        assert!(sitemap.contains(&format!(
            "  <url>\n    <loc>{u}only-en.html</loc>\n    \
             <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{u}only-en.html\"/>\n    \
             <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{u}only-en.html\"/>\n  \
             </url>\n"
        )));
        assert!(!dir.join("robots.txt").exists());
        // Twice would name every alternate twice.
        assert!(alternates(&dir, url, &langs()).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn robots_txt_only_at_the_root_of_a_host() {
        let dir = book("robots");
        assert!(
            alternates(&dir, "https://book.example.org/", &langs())
                .unwrap()
                .robots
        );
        assert_eq!(
            text(&dir, "robots.txt"),
            "User-agent: *\nAllow: /\n\nSitemap: https://book.example.org/sitemap.xml\n"
        );
        fs::remove_dir_all(&dir).unwrap();
        let dir = book("robots");
        assert!(alternates(&dir, "/book/", &langs()).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn urls_are_encoded() {
        assert_eq!(page_url("https://x/", "a b/index.html"), "https://x/a%20b/");
        assert_eq!(
            page_url("https://x/", "über.html"),
            "https://x/%C3%BCber.html"
        );
        assert_eq!(escape("a&b\"<>"), "a&amp;b&quot;&lt;&gt;");
    }
}
