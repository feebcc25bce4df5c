//! Exercise 2: serve the files of `steps/pages/`, and nothing outside it.
//! From `steps/`: `cargo test -p ex2-pages`.
//!
//! The `goal_…` tests fail until the files are served; make them pass in
//! order (`cargo test -p ex2-pages goal_1` runs the first one only). The
//! `still_…` tests pass from the start: they guard what must not break, and
//! what a careless solution does break. The solution, `ex2-pages-solution`,
//! runs this very file.

use super::handle_connection;
use std::fs;
use testkit::{
    HELLO_HTML, NOT_FOUND_HTML, Response, assert_bytes, get, page_response, serve, steps_dir,
};

/// The bytes of `steps/pages/<name>`.
fn file(name: &str) -> Vec<u8> {
    fs::read(steps_dir().join("pages").join(name)).unwrap()
}

/// Asserts that `response` is `200 OK` with `body`, and a `Content-Length` that says so.
#[track_caller]
fn assert_serves(response: &[u8], body: &[u8]) {
    let response = Response::parse(response);
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
    assert!(
        response.body == body,
        "the body is not the file: {} bytes, where the file has {}",
        response.body.len(),
        body.len()
    );
    assert_eq!(response.header("Content-Length"), body.len().to_string());
}

#[test]
fn goal_1_about_html_comes_from_pages() {
    let addr = serve(handle_connection);
    assert_serves(&get(addr, "/about.html"), &file("about.html"));
}

#[test]
fn goal_2_so_does_any_other_file_there() {
    let addr = serve(handle_connection);
    assert_serves(&get(addr, "/notes.txt"), &file("notes.txt"));
}

#[test]
fn goal_3_a_file_that_is_not_text_comes_byte_for_byte() {
    // Browsers ask every server for `/favicon.ico`, the little picture in
    // the tab; an icon is not UTF-8.
    let addr = serve(handle_connection);
    let icon = file("favicon.ico");
    assert!(String::from_utf8(icon.clone()).is_err());
    assert_serves(&get(addr, "/favicon.ico"), &icon);
}

#[test]
fn still_the_root_gets_hello_html() {
    let addr = serve(handle_connection);
    assert_bytes(
        &get(addr, "/"),
        &page_response("HTTP/1.1 200 OK", HELLO_HTML),
    );
}

#[test]
fn still_404_for_a_file_that_is_not_there() {
    let addr = serve(handle_connection);
    let not_found = page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML);
    for path in [
        "/missing.html",
        "/about.htm",
        "/about.html/",
        "/about.html?x=1",
    ] {
        assert_bytes(&get(addr, path), &not_found);
    }
}

#[test]
fn still_404_for_a_folder() {
    // `pages/.` and `pages/..` are folders, not files: reading them fails.
    let addr = serve(handle_connection);
    let not_found = page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML);
    for path in ["/.", "/..", "//"] {
        assert_bytes(&get(addr, path), &not_found);
    }
}

#[test]
fn still_nothing_outside_pages() {
    // `pages/../Cargo.toml` is `steps/Cargo.toml`: a server that puts the
    // name behind `pages/` as it is serves every file of the machine it may
    // read. This is called path traversal.
    let addr = serve(handle_connection);
    let not_found = page_response("HTTP/1.1 404 Not Found", NOT_FOUND_HTML);
    let cargo_toml = steps_dir().join("Cargo.toml");
    let absolute = format!("/{}", cargo_toml.display());
    for path in [
        "/../Cargo.toml",
        "/./../Cargo.toml",
        "/../hello.html",
        "/../../steps/Cargo.toml",
        // `Path::new("pages").join("/…")` is `/…`: an absolute path replaces the folder.
        absolute.as_str(),
    ] {
        let got = get(addr, path);
        let shown = String::from_utf8_lossy(&got);
        assert!(
            got == not_found.as_bytes(),
            "GET {path} must get 404.html: it names a file outside pages/. It got:\n{}",
            shown.chars().take(300).collect::<String>()
        );
    }
}
