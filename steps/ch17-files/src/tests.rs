//! Chapter 17: the server serves the files of `pages/`, each with its
//! type, and nothing outside it, however the path is written.

use super::{HEAD_TIME, ROOT, SLEEP, file_page, file_path, serve};
use check::{Target, claims};
use proptest::prelude::*;
use std::fs;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;
use testkit::{enter_steps_dir, send, spawn_server, steps_dir};

/// The server on an ephemeral port, never stopped.
fn server() -> SocketAddr {
    enter_steps_dir();
    spawn_server(|listener| serve(listener, &AtomicBool::new(false)))
}

/// The target that `check` sees: `/sleep` and the time for a head both take
/// a second here.
fn target(addr: SocketAddr) -> Target {
    Target::new(addr).sleep(SLEEP).head_time(HEAD_TIME)
}

fn get(addr: SocketAddr, path: &str) -> Vec<u8> {
    send(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes(),
    )
}

/// The head of `answer`, as text, and its body.
fn split(answer: &[u8]) -> (String, &[u8]) {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no blank line in the answer");
    (
        String::from_utf8_lossy(&answer[..end]).into_owned(),
        &answer[end + 4..],
    )
}

#[test]
fn serves_each_file_of_pages_with_its_type() {
    let addr = server();
    for (name, content_type) in [
        ("about.html", "text/html; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("favicon.ico", "image/x-icon"),
    ] {
        let answer = get(addr, &format!("/{name}"));
        let (head, body) = split(&answer);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "/{name}: {head}");
        assert!(
            head.contains(&format!("\r\nContent-Type: {content_type}\r\n")),
            "/{name}: {head}"
        );
        assert!(
            head.lines()
                .any(|line| line == "X-Content-Type-Options: nosniff"),
            "{head}"
        );
        let file = fs::read(steps_dir().join(ROOT).join(name)).unwrap();
        assert_eq!(body, file, "/{name} is not the file, byte for byte");
    }
}

#[test]
fn head_of_a_file_has_its_length_and_no_body() {
    let answer = send(server(), b"HEAD /favicon.ico HTTP/1.1\r\nHost: a\r\n\r\n");
    let (head, body) = split(&answer);
    let length = fs::metadata(steps_dir().join("pages/favicon.ico"))
        .unwrap()
        .len();
    assert!(
        head.contains(&format!("\r\nContent-Length: {length}\r\n")),
        "{head}"
    );
    assert!(body.is_empty(), "HEAD got a body of {} bytes", body.len());
}

#[test]
fn a_file_is_found_by_its_encoded_name_too() {
    // `%61` is `a`: `/%61bout.html` is `/about.html`.
    let answer = get(server(), "/%61bout.html");
    assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"));
}

// ANCHOR: ways_out
/// Every way out of `pages/` that the chapter names.
const WAYS_OUT: [&str; 14] = [
    "/../Cargo.toml",
    "/%2e%2e/Cargo.toml",
    "/%2E%2E%2FCargo.toml",
    "/..%2fCargo.toml",
    "/.%2e/Cargo.toml",
    "/..\\Cargo.toml",
    "/%5c..%5cCargo.toml",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/about.html%00.txt",
    "/%c0%ae%c0%ae/Cargo.toml",
    "/.",
    "/..",
    "/C:%5cWindows",
];
// ANCHOR_END: ways_out

#[test]
fn no_way_out_of_pages() {
    let addr = server();
    for path in WAYS_OUT {
        let answer = get(addr, path);
        assert!(
            answer.starts_with(b"HTTP/1.1 404 Not Found\r\n"),
            "{path}: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    // The absolute path of a file that exists: `/` + `/…/steps/Cargo.toml`.
    let absolute = format!("/{}", steps_dir().join("Cargo.toml").display());
    assert!(get(addr, &absolute).starts_with(b"HTTP/1.1 404 Not Found\r\n"));
}

#[test]
fn only_plain_names_make_a_path() {
    assert_eq!(file_path("/about.html"), Some("about.html".into()));
    assert_eq!(file_path("/a/b%20c.txt"), Some(PathBuf::from("a/b c.txt")));
    for path in WAYS_OUT {
        assert_eq!(file_path(path), None, "{path}");
    }
    for path in ["", "about.html", "/a/", "/.git/config", "/a/./b", "/a/../b"] {
        assert_eq!(file_path(path), None, "{path:?}");
    }
}

/// A folder of its own under the system's temporary folder, removed at the
/// end, with a file in it and the given links.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ch17-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("root/folder")).unwrap();
        fs::write(dir.join("root/inside.txt"), "inside").unwrap();
        fs::write(dir.join("outside.txt"), "outside").unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_root_is_not_followed() {
    use std::os::unix::fs::symlink;
    let scratch = Scratch::new("links");
    let root = scratch.0.join("root");
    symlink(scratch.0.join("outside.txt"), root.join("out.txt")).unwrap();
    symlink(root.join("inside.txt"), root.join("in.txt")).unwrap();
    symlink(&scratch.0, root.join("up")).unwrap();
    assert!(file_page(&root, "/inside.txt").is_some());
    assert!(
        file_page(&root, "/in.txt").is_some(),
        "a link within the root is fine"
    );
    assert!(file_page(&root, "/out.txt").is_none());
    assert!(file_page(&root, "/up/outside.txt").is_none());
    assert!(
        file_page(&root, "/folder").is_none(),
        "a folder is not a file"
    );
    assert!(file_page(&root, "/missing.txt").is_none());
}

// ANCHOR: never_out
/// Paths made of the pieces that ways out are made of.
fn tricky_path() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "..",
        ".",
        "",
        "%2e",
        "%2E",
        "%2f",
        "%2F",
        "%5c",
        "\\",
        "/",
        "%00",
        "C:",
        "%c0%ae",
        "a",
        "about.html",
        "%",
    ]);
    prop::collection::vec(piece, 1..8).prop_map(|pieces| format!("/{}", pieces.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever the path, `file_path` gives `None` or plain names only:
    /// no `..`, no `.`, no root, no drive. Joined to the root, that path
    /// stays under it.
    #[test]
    fn a_path_never_leads_out_of_the_root(path in tricky_path()) {
        if let Some(relative) = file_path(&path) {
            prop_assert!(
                relative.components().all(|part| matches!(part, Component::Normal(_))),
                "{} became {}", path, relative.display()
            );
            prop_assert!(Path::new(ROOT).join(&relative).starts_with(ROOT));
        }
    }
}
// ANCHOR_END: never_out

#[test]
fn passes_chapter_17s_check_claim_after_claim() {
    let chapter = check::Chapter::parse("ch17").unwrap();
    let report = check::run(chapter, &target(server()));
    assert!(report.passed(), "{}", report.render());
}

#[test]
fn files_have_their_type_and_nothing_leads_out() {
    let addr = server();
    claims::FILES_WITH_THEIR_TYPE.assert_holds(&target(addr));
    claims::NO_WAY_OUT.assert_holds(&target(addr));
}

/// What chapter 18 changes: this server closes every connection after its
/// answer.
#[test]
fn fails_chapter_18s_claim_on_open_connections() {
    let addr = server();
    claims::KEEPS_THE_CONNECTION_OPEN.assert_fails(&target(addr));
    claims::CLOSES_WHEN_ASKED.assert_holds(&target(addr));
}
