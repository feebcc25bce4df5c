//! `a11y-markup`: fixes, in the pages of a built book, what axe-core finds
//! wrong in the markup of the pinned mdBook's templates, so that the templates
//! themselves stay mdBook's (the colours are `theme/a11y.css`, the behaviour
//! that needs JavaScript `theme/a11y.js`):
//!
//! - the sidebar toggle is a `<label>` for a hidden checkbox, with
//!   `aria-label` and `aria-expanded`, which a label may not carry: it gets
//!   `role="button"`, and `tabindex="0"` so that keyboards reach it;
//! - the search box's `aria-describedby` names `searchresults-header`, an id no
//!   element has: it names the header of the results, `mdbook-searchresults-header`;
//! - the number of results, which mdBook writes into that header while its box
//!   is still hidden, needs a status region that is always there for screen
//!   readers to announce it: an empty one goes at the start of the search box;
//! - a page without a `<title>` (the table of contents for readers without
//!   JavaScript) gets the book's title.
//!
//! A page with mdBook's menu bar must have all the elements fixed here: if
//! mdBook's templates change, this fails instead of silently fixing nothing.

use html5gum::{DefaultEmitter, HtmlString, StartTag, Token, Tokenizer};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// The id of the status region that repeats the number of search results.
pub const SEARCH_STATUS_ID: &str = "a11y-search-status";

#[derive(Debug, Default)]
pub struct Report {
    pub pages: usize,
    pub changed: usize,
}

/// Fixes every `.html` page under `site` in place.
pub fn fix_site(site: &Path, title: &str) -> Result<Report, String> {
    if !site.is_dir() {
        return Err(format!("{}: no such directory", site.display()));
    }
    let mut report = Report::default();
    for file in crate::walk_files(site)? {
        if file.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = crate::read_text(&file)?;
        let fixed = fix_page(&html, title).map_err(|e| format!("{}: {e}", file.display()))?;
        report.pages += 1;
        if fixed != html {
            std::fs::write(&file, fixed).map_err(|e| crate::io_error(&file, &e))?;
            report.changed += 1;
        }
    }
    Ok(report)
}

/// One change: replace `range` of the page with `text`.
struct Edit {
    range: Range<usize>,
    text: String,
}

/// The page with its markup fixed; running it again changes nothing more.
pub fn fix_page(html: &str, title: &str) -> Result<String, String> {
    // What follows <script>, <style>, ... is text, as a browser reads it.
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut edits = Vec::new();
    let mut has_menu_bar = false;
    let mut has_title = false;
    let mut in_title = false;
    let mut head_start = None;
    let mut found = [false; 3];
    let mut has_status = false;
    let mut has_results_header = false;
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let token = token.map_err(|e| format!("cannot read the page: {e:?}"))?;
        match token {
            Token::StartTag(tag) => {
                let id = attr(&tag, "id");
                match (tag.name.as_slice(), id.as_deref()) {
                    (b"head", _) => head_start = Some(tag.span.end),
                    (b"title", _) => in_title = true,
                    (_, Some("mdbook-menu-bar")) => has_menu_bar = true,
                    (_, Some("mdbook-searchresults-header")) => has_results_header = true,
                    (_, Some(SEARCH_STATUS_ID)) => has_status = true,
                    (b"label", Some("mdbook-sidebar-toggle")) => {
                        found[0] = true;
                        edits.push(set_attributes(
                            &tag,
                            &[("role", "button"), ("tabindex", "0")],
                        ));
                    }
                    (b"input", Some("mdbook-searchbar")) => {
                        found[1] = true;
                        edits.push(set_attributes(
                            &tag,
                            &[("aria-describedby", "mdbook-searchresults-header")],
                        ));
                    }
                    (b"div", Some("mdbook-search-wrapper")) => {
                        found[2] = true;
                        let end = tag.span.end;
                        edits.push(Edit {
                            range: end..end,
                            text: format!(
                                "<div id=\"{SEARCH_STATUS_ID}\" class=\"a11y-visually-hidden\" \
                                 role=\"status\"></div>"
                            ),
                        });
                    }
                    _ => {}
                }
            }
            Token::String(text) if in_title => {
                has_title |= !text.value.trim_ascii().is_empty();
            }
            Token::EndTag(tag) if tag.name.as_slice() == b"title" => in_title = false,
            _ => {}
        }
    }
    if has_status {
        // Already fixed: the attributes are set again to the same values.
        edits.retain(|edit| !edit.range.is_empty());
    }
    if has_menu_bar {
        let names = [
            "label#mdbook-sidebar-toggle",
            "input#mdbook-searchbar",
            "div#mdbook-search-wrapper",
        ];
        for (name, found) in names.iter().zip(found) {
            if !found {
                return Err(format!("mdBook's markup changed: no {name}"));
            }
        }
        if !has_results_header {
            return Err("mdBook's markup changed: no #mdbook-searchresults-header".into());
        }
    }
    if !has_title {
        let at = head_start.ok_or("no <head> for the <title>")?;
        edits.push(Edit {
            range: at..at,
            text: format!("\n        <title>{}</title>", escape(title)),
        });
    }
    edits.sort_by_key(|edit| edit.range.start);
    let mut out = String::with_capacity(html.len() + 256);
    let mut at = 0;
    for edit in edits {
        out.push_str(&html[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&html[at..]);
    Ok(out)
}

fn attr(tag: &StartTag<usize>, name: &str) -> Option<String> {
    let value = tag.attributes.get(name.as_bytes())?;
    Some(String::from_utf8_lossy(&value.value).into_owned())
}

/// Rewrites a start tag with `changes` set (added, or replacing the value).
fn set_attributes(tag: &StartTag<usize>, changes: &[(&str, &str)]) -> Edit {
    let lossy = |s: &HtmlString| String::from_utf8_lossy(s).into_owned();
    let mut attributes: BTreeMap<String, String> = (tag.attributes.iter())
        .map(|(name, value)| (lossy(name), lossy(&value.value)))
        .collect();
    for (name, value) in changes {
        attributes.insert((*name).to_string(), (*value).to_string());
    }
    let mut text = format!("<{}", lossy(&tag.name));
    for (name, value) in attributes {
        text.push_str(&format!(" {name}=\"{}\"", escape(&value)));
    }
    text.push_str(if tag.self_closing { " />" } else { ">" });
    Edit {
        range: tag.span.start..tag.span.end,
        text,
    }
}

/// Text for an attribute value in double quotes, or for an element's content.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::tags;

    /// The parts of mdBook 0.5.4's index.hbs that `fix_page` changes.
    const PAGE: &str = r#"<!DOCTYPE HTML>
<html lang="de"><head><title>Einleitung - Buch</title><script>const x = "<label id='mdbook-sidebar-toggle'>";</script></head><body>
<div id="mdbook-menu-bar" class="menu-bar sticky">
<label id="mdbook-sidebar-toggle" class="icon-button" for="mdbook-sidebar-toggle-anchor" title="Inhalt &amp; mehr" aria-label="Toggle Table of Contents" aria-controls="mdbook-sidebar">
<i class="fa fa-bars"></i></label></div>
<div id="mdbook-search-wrapper" class="hidden">
<form id="mdbook-searchbar-outer"><input type="search" id="mdbook-searchbar" name="searchbar" placeholder="Search this book ..." aria-controls="mdbook-searchresults-outer" aria-describedby="searchresults-header"></form>
<div id="mdbook-searchresults-outer" class="searchresults-outer hidden"><div id="mdbook-searchresults-header" class="searchresults-header"></div></div>
</div></body></html>"#;

    fn tag<'a>(tags: &'a [crate::links::Tag], id: &str) -> &'a crate::links::Tag {
        let has_id = |t: &&crate::links::Tag| t.attrs.iter().any(|(n, v)| n == "id" && v == id);
        tags.iter()
            .find(has_id)
            .unwrap_or_else(|| panic!("no #{id}"))
    }

    fn attrs(tag: &crate::links::Tag) -> BTreeMap<&str, &str> {
        (tag.attrs.iter())
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn fixes_mdbooks_markup_and_keeps_the_rest() {
        let fixed = fix_page(PAGE, "Buch").unwrap();
        let before = tags(PAGE);
        let after = tags(&fixed);

        let mut toggle = attrs(tag(&before, "mdbook-sidebar-toggle"));
        toggle.insert("role", "button");
        toggle.insert("tabindex", "0");
        assert_eq!(attrs(tag(&after, "mdbook-sidebar-toggle")), toggle);
        assert_eq!(toggle["title"], "Inhalt & mehr");

        let mut search = attrs(tag(&before, "mdbook-searchbar"));
        search.insert("aria-describedby", "mdbook-searchresults-header");
        assert_eq!(attrs(tag(&after, "mdbook-searchbar")), search);

        let status = attrs(tag(&after, SEARCH_STATUS_ID));
        assert_eq!(status["role"], "status");
        // At the start of the search box, before the form.
        let position = |tags: &[crate::links::Tag], id| {
            tags.iter()
                .position(|t| t.attrs.iter().any(|(n, v)| n == "id" && v == id))
        };
        assert_eq!(
            position(&after, SEARCH_STATUS_ID).unwrap() + 1,
            position(&after, "mdbook-searchbar-outer").unwrap()
        );

        // Nothing else changed: the script's text and the title stay as they were.
        assert_eq!(after.len(), before.len() + 1);
        assert!(fixed.contains(r#"const x = "<label id='mdbook-sidebar-toggle'>";"#));
        assert_eq!(fixed.matches("<title>").count(), 1);
        assert!(fixed.contains("<title>Einleitung - Buch</title>"));
    }

    #[test]
    fn fixing_twice_changes_nothing_more() {
        let once = fix_page(PAGE, "Buch").unwrap();
        assert_eq!(fix_page(&once, "Buch").unwrap(), once);
    }

    #[test]
    fn a_page_without_a_title_gets_the_books() {
        let toc = "<!DOCTYPE HTML>\n<html lang=\"de\"><head><meta charset=\"UTF-8\"></head>\
                   <body><ol class=\"chapter\"></ol></body></html>";
        let fixed = fix_page(toc, "Bücher & <Web>").unwrap();
        assert!(
            fixed.contains("<head>\n        <title>Bücher &amp; &lt;Web></title><meta"),
            "{fixed}"
        );
        assert_eq!(fix_page(&fixed, "Bücher & <Web>").unwrap(), fixed);
        let empty = toc.replace("<head>", "<head><title> </title>");
        assert!(fix_page(&empty, "B").unwrap().contains("<title>B</title>"));
    }

    #[test]
    fn a_changed_template_is_an_error() {
        for (from, to) in [
            (
                "<label id=\"mdbook-sidebar-toggle\"",
                "<button id=\"mdbook-sidebar-toggle\"",
            ),
            ("id=\"mdbook-searchbar\"", "id=\"mdbook-search-input\""),
            ("id=\"mdbook-search-wrapper\"", "id=\"mdbook-search\""),
            (
                "id=\"mdbook-searchresults-header\"",
                "id=\"results-header\"",
            ),
        ] {
            let changed = PAGE.replacen(from, to, 1);
            assert_ne!(changed, PAGE);
            let error = fix_page(&changed, "Buch").expect_err(to);
            assert!(error.starts_with("mdBook's markup changed"), "{error}");
        }
    }

    #[test]
    fn fixes_the_pages_of_a_site() {
        let dir = crate::testdir::tree(
            "a11y",
            &[("de/index.html", PAGE), ("de/style.css", "label{}")],
        );
        let report = fix_site(&dir, "Buch").unwrap();
        assert_eq!((report.pages, report.changed), (1, 1));
        let fixed = std::fs::read_to_string(dir.join("de/index.html")).unwrap();
        assert_eq!(fixed, fix_page(PAGE, "Buch").unwrap());
        assert_eq!(fix_site(&dir, "Buch").unwrap().changed, 0);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(fix_site(&dir, "Buch").is_err());
    }
}
