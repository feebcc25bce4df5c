//! `links`: every internal link of a built static site must resolve.

use html5gum::{Token, Tokenizer, naive_next_state};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// One start tag: lower-case name and attributes (names lower-case, values decoded).
#[derive(Debug, PartialEq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Start tags of an HTML document, by html5gum's tokenizer: names lower-case,
/// character references decoded, comments and the content of `<script>` and
/// `<style>` skipped.
pub fn tags(html: &str) -> Vec<Tag> {
    let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut tokenizer = Tokenizer::new(html);
    let mut tags = Vec::new();
    while let Some(Ok(token)) = tokenizer.next() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        // What follows a start tag (script, style, textarea, ...) as a browser
        // reads it; but <noscript> holds markup, the links readers without
        // JavaScript follow (html5gum's guess treats it as text).
        if tag.name.as_slice() != b"noscript" {
            if let Some(state) = naive_next_state(&tag.name) {
                tokenizer.set_state(state);
            }
        }
        tags.push(Tag {
            name: lossy(&tag.name),
            attrs: (tag.attributes.iter())
                .map(|(name, value)| (lossy(name), lossy(&value.value)))
                .collect(),
        });
    }
    tags
}

/// Decodes `%XX` escapes (invalid ones are kept as they are).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

// By hand, `is_external` and `resolve`: the `url` crate would do both, but it
// brings idna and ICU4X into the cold build, for a few lines of path logic.

/// `http:`, `mailto:`, `//host`, ... : links that leave the site.
pub fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    let scheme_len = link
        .find(':')
        .filter(|&colon| colon > 0 && !link[..colon].contains(['/', '?', '#']));
    scheme_len.is_some_and(|colon| {
        let scheme = &link[..colon];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Joins `link_path` (already decoded, no query or fragment) onto `base_dir`
/// (relative to the site root), or onto the site root if it starts with `/`.
/// Returns the path relative to the site root, or `None` if it leaves the site.
pub fn resolve(base_dir: &Path, link_path: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = Vec::new();
    let start = if link_path.starts_with('/') {
        Path::new("")
    } else {
        base_dir
    };
    for c in start.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    for seg in link_path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s.to_string()),
        }
    }
    Some(parts.iter().collect())
}

pub struct LinkReport {
    pub problems: Vec<String>,
    pub links: usize,
    pub pages: usize,
}

/// Checks every `href` and `src` of every `.html` file under `site`.
pub fn check_site(site: &Path) -> Result<LinkReport, String> {
    if !site.is_dir() {
        return Err(format!("{}: no such directory", site.display()));
    }
    let root = site.canonicalize().map_err(|e| crate::io_error(site, &e))?;
    let pages: Vec<PathBuf> = crate::walk_files(site)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut report = LinkReport {
        problems: Vec::new(),
        links: 0,
        pages: pages.len(),
    };
    for page in &pages {
        let rel_page = page.strip_prefix(site).unwrap_or(page).to_path_buf();
        let html =
            String::from_utf8_lossy(&std::fs::read(page).map_err(|e| crate::io_error(page, &e))?)
                .into_owned();
        let tags = tags(&html);
        let page_dir = rel_page.parent().unwrap_or(Path::new("")).to_path_buf();
        // `<base href>` changes what relative links are relative to.
        let base_dir = tags
            .iter()
            .find(|t| t.name == "base")
            .and_then(|t| t.attr("href"))
            .filter(|h| !is_external(h))
            .and_then(|h| {
                let h = percent_decode(h.split(['?', '#']).next().unwrap_or(""));
                let dir = if h.ends_with('/') {
                    h.as_str()
                } else {
                    h.rsplit_once('/').map_or("", |(d, _)| d)
                };
                resolve(&page_dir, dir)
            })
            .unwrap_or_else(|| page_dir.clone());
        ids.entry(rel_page.clone()).or_insert_with(|| ids_of(&tags));

        for tag in &tags {
            for (name, value) in &tag.attrs {
                if !matches!(name.as_str(), "href" | "src") || tag.name == "base" {
                    continue;
                }
                if is_external(value) {
                    continue;
                }
                report.links += 1;
                if let Err(why) = check_link(site, &root, &rel_page, &base_dir, value, &mut ids) {
                    report.problems.push(format!(
                        "{}: broken link \"{value}\": {why}",
                        rel_page.display()
                    ));
                }
            }
        }
    }
    Ok(report)
}

fn ids_of(tags: &[Tag]) -> HashSet<String> {
    tags.iter()
        .flat_map(|t| &t.attrs)
        .filter(|(n, _)| n == "id" || n == "name")
        .map(|(_, v)| v.clone())
        .collect()
}

fn check_link(
    site: &Path,
    root: &Path,
    page: &Path,
    base_dir: &Path,
    link: &str,
    ids: &mut HashMap<PathBuf, HashSet<String>>,
) -> Result<(), String> {
    let (path_part, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (link, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let mut target = if path_part.is_empty() {
        page.to_path_buf()
    } else {
        resolve(base_dir, &percent_decode(path_part)).ok_or("points outside the site")?
    };
    let full = site.join(&target);
    if full.is_dir() {
        target.push("index.html");
    }
    let full = site.join(&target);
    if !full.is_file() {
        return Err("no such file".into());
    }
    // Symbolic links must not lead out of the site either.
    if !full.canonicalize().is_ok_and(|c| c.starts_with(root)) {
        return Err("points outside the site".into());
    }
    let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
        return Ok(());
    };
    if target.extension().is_none_or(|e| e != "html") {
        return Ok(());
    }
    if !ids.contains_key(&target) {
        let html = std::fs::read(&full).map_err(|e| e.to_string())?;
        let found = ids_of(&tags(&String::from_utf8_lossy(&html)));
        ids.insert(target.clone(), found);
    }
    if ids[&target].contains(&fragment) {
        Ok(())
    } else {
        Err(format!("no id \"{fragment}\" in {}", target.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn parses_tags_and_attributes() {
        let t = tags(
            "<!-- <a href=\"c\"> --><A HREF='x.html?a=1&amp;b=2' class=x><img src=y.png alt=\"a > b\"/>\
             <script src=\"s.js\">var a = '<a href=\"no\">';</script><p id=top>",
        );
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["a", "img", "script", "p"]);
        assert_eq!(t[0].attr("href"), Some("x.html?a=1&b=2"));
        assert_eq!(t[1].attr("src"), Some("y.png"));
        assert_eq!(t[1].attr("alt"), Some("a > b"));
        assert_eq!(t[2].attr("src"), Some("s.js"));
        assert_eq!(t[3].attr("id"), Some("top"));
    }

    #[test]
    fn decodes() {
        let t = tags("<a href=\"a&amp;b&quot;&#39;&#x41;&bogus;&\" title=&lt;x&gt;>");
        assert_eq!(t[0].attr("href"), Some("a&b\"'A&bogus;&"));
        assert_eq!(t[0].attr("title"), Some("<x>"));
        assert_eq!(percent_decode("%C3%BCber%20x%2"), "über x%2");
        assert_eq!(percent_decode("%zz%"), "%zz%");
    }

    #[test]
    fn noscript_holds_markup_but_script_and_style_do_not() {
        let t = tags(
            "<noscript><iframe src=\"toc.html\"></iframe></noscript>\
             <style>a[href=\"<a href=x>\"] {}</style><textarea><a href=y></textarea>",
        );
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["noscript", "iframe", "style", "textarea"]);
        assert_eq!(t[1].attr("src"), Some("toc.html"));
    }

    #[test]
    fn external_links() {
        for link in [
            "http://x",
            "https://x",
            "mailto:a@b",
            "javascript:void(0)",
            "data:x",
            "//cdn/x",
        ] {
            assert!(is_external(link), "{link}");
        }
        for link in ["a.html", "/a.html", "#x", "../a:b.html", "./x?y=a:b"] {
            assert!(!is_external(link), "{link}");
        }
    }

    #[test]
    fn resolves_paths() {
        let base = Path::new("de/ch01");
        assert_eq!(
            resolve(base, "x.html"),
            Some(PathBuf::from("de/ch01/x.html"))
        );
        assert_eq!(resolve(base, "../../x.html"), Some(PathBuf::from("x.html")));
        assert_eq!(
            resolve(base, "/css/a.css"),
            Some(PathBuf::from("css/a.css"))
        );
        assert_eq!(resolve(base, "../../../x.html"), None);
    }

    fn site(name: &str, files: &[(&str, &str)]) -> PathBuf {
        crate::testdir::tree(&format!("links-{name}"), files)
    }

    #[test]
    fn good_site_passes() {
        let dir = site(
            "good",
            &[
                (
                    "index.html",
                    "<a href=\"ch01.html#intro\">1</a><a href=\"de/\">de</a><a href=\"https://x\">x</a><link href=\"css/a%20b.css\">",
                ),
                (
                    "ch01.html",
                    "<h1 id=\"intro\">x</h1><a href=\"#intro\">x</a><a href=\"/index.html?x\">h</a><script>x='<a href=\"gone.html\">'</script>",
                ),
                (
                    "de/index.html",
                    "<base href=\"../\"><a href=\"ch01.html\">en</a><a href=\"de/./index.html\">de</a>",
                ),
                ("css/a b.css", ""),
            ],
        );
        let report = check_site(&dir).unwrap();
        assert_eq!(report.problems, Vec::<String>::new());
        assert_eq!((report.links, report.pages), (7, 3));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn broken_links_fail() {
        let dir = site(
            "bad",
            &[
                (
                    "index.html",
                    "<a href=\"gone.html\">1</a><a href=\"ch01.html#nope\">2</a><img src='../outside.png'><a href=\"#top\">",
                ),
                ("ch01.html", "<h1 id=\"intro\">x</h1>"),
            ],
        );
        let mut problems = check_site(&dir).unwrap().problems;
        problems.sort();
        assert_eq!(
            problems,
            vec![
                "index.html: broken link \"#top\": no id \"top\" in index.html",
                "index.html: broken link \"../outside.png\": points outside the site",
                "index.html: broken link \"ch01.html#nope\": no id \"nope\" in ch01.html",
                "index.html: broken link \"gone.html\": no such file",
            ]
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_site_is_an_error() {
        assert!(check_site(Path::new("/nonexistent/book-tools/site")).is_err());
    }
}
