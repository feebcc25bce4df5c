// What is by hand here, and why:
// - The HTTP server (reading a request, answering it): the tiny_http port
//   (keep-alive) made headless Chromium page loads time out in 2 of 4 runs of
//   ci/browser; this one answers one request per connection with
//   `Connection: close`, and never did.
// - Watching for changes is notify's; by hand around it are only which changes
//   count (`counts`) and waiting for a burst of them to end before rebuilding.
//! `serve`: a small static file server for previewing the built book, with an
//! optional "watch (notify) and rebuild" loop.

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

pub struct Options {
    pub dir: PathBuf,
    pub port: u16,
    pub watch: Vec<PathBuf>,
    pub rebuild: Option<String>,
}

/// What a request target maps to.
#[derive(Debug, PartialEq)]
pub enum Target {
    File(PathBuf),
    /// A directory requested without the trailing slash: redirect here.
    Redirect(String),
    NotFound,
    Forbidden,
    BadRequest,
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a request target (`/de/ch01.html?x`) to a file under `root`.
pub fn map_target(root: &Path, target: &str) -> Target {
    // Absolute form: `http://host/path`.
    let target = match target.split_once("://") {
        Some((_, rest)) if !target.starts_with('/') => match rest.find('/') {
            Some(slash) => &rest[slash..],
            None => "/",
        },
        _ => target,
    };
    if !target.starts_with('/') {
        return Target::BadRequest;
    }
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target.split('#').next().unwrap_or(target), None),
    };
    let Some(decoded) = percent_decode(raw_path) else {
        return Target::BadRequest;
    };
    if decoded.contains('\0') {
        return Target::BadRequest;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Target::Forbidden,
            s if s.contains('\\') || s.contains(':') => return Target::Forbidden,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        if !raw_path.ends_with('/') {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            return Target::Redirect(format!("{raw_path}/{query}"));
        }
        path.push("index.html");
    }
    if path.is_file() {
        Target::File(path)
    } else {
        Target::NotFound
    }
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

fn response(status: &str, content_type: &str, extra: &str, body: &[u8], head: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if !head {
        out.extend_from_slice(body);
    }
    out
}

fn text(status: &str, head: bool) -> Vec<u8> {
    response(
        status,
        "text/plain; charset=utf-8",
        "",
        format!("{status}\n").as_bytes(),
        head,
    )
}

/// The complete response to a request whose head (request line and headers) is `head`.
pub fn respond(root: &Path, head: &[u8]) -> Vec<u8> {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let Ok(line) = std::str::from_utf8(&head[..line_end]) else {
        return text("400 Bad Request", false);
    };
    let parts: Vec<&str> = line.trim_end_matches('\r').split(' ').collect();
    let [method, target, version] = parts.as_slice() else {
        return text("400 Bad Request", false);
    };
    let valid_method = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
    if !valid_method || !version.starts_with("HTTP/1.") || target.is_empty() {
        return text("400 Bad Request", false);
    }
    let head_only = *method == "HEAD";
    if !matches!(*method, "GET" | "HEAD") {
        return response(
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            "Allow: GET, HEAD\r\n",
            b"405 Method Not Allowed\n",
            head_only,
        );
    }
    match map_target(root, target) {
        Target::File(path) => match std::fs::read(&path) {
            Ok(body) => response("200 OK", content_type(&path), "", &body, head_only),
            Err(_) => not_found(root, target, head_only),
        },
        Target::Redirect(location) => response(
            "301 Moved Permanently",
            "text/plain; charset=utf-8",
            &format!("Location: {location}\r\n"),
            b"",
            head_only,
        ),
        Target::NotFound => not_found(root, target, head_only),
        Target::Forbidden => text("403 Forbidden", head_only),
        Target::BadRequest => text("400 Bad Request", head_only),
    }
}

/// The "not found" page of the language the address belongs to: `/de/…`
/// gets `de/404.html` when there is one, everything else the root's `404.html`.
fn not_found(root: &Path, target: &str, head: bool) -> Vec<u8> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let first = path.split('/').find(|segment| !segment.is_empty());
    let page = match first {
        Some(dir) if dir != ".." && dir != "." && root.join(dir).join("404.html").is_file() => {
            root.join(dir).join("404.html")
        }
        _ => root.join("404.html"),
    };
    match std::fs::read(page) {
        Ok(body) => response("404 Not Found", "text/html; charset=utf-8", "", &body, head),
        Err(_) => text("404 Not Found", head),
    }
}

/// Reads up to the blank line that ends the request head (at most 16 KiB).
/// `None` if the client sent nothing, timed out, or went away.
fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0; 2048];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if n == 0 {
            return (!head.is_empty()).then_some(head);
        }
        head.extend_from_slice(&buf[..n]);
        let ended =
            head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n");
        if ended || head.len() > 16 * 1024 {
            return Some(head);
        }
    }
}

fn handle(mut stream: TcpStream, root: &Path) {
    let timeout = Some(Duration::from_secs(10));
    let _ = stream.set_read_timeout(timeout);
    let _ = stream.set_write_timeout(timeout);
    if let Some(head) = read_head(&mut stream) {
        let _ = stream.write_all(&respond(root, &head));
        let _ = stream.flush();
    }
}

// By hand: which changes count (notify reports them all).

/// Does a change at `changed` count: a file inside a watched path, not under a
/// `target`, `build` or `.git` directory of it? (The watched paths themselves
/// are never skipped, even if named `build`.)
pub fn counts(watched: &[PathBuf], changed: &Path) -> bool {
    let skipped = |dir: &Path| {
        dir.components()
            .any(|c| matches!(c.as_os_str().to_str(), Some("target" | "build" | ".git")))
    };
    !changed.is_dir()
        && watched.iter().any(|w| {
            changed
                .strip_prefix(w)
                .is_ok_and(|rest| !rest.parent().is_some_and(skipped))
        })
}

/// How long changes must have stopped before a rebuild starts.
const SETTLE: Duration = Duration::from_millis(300);

/// Watches `paths` for changes; runs `command` (in `sh`) after each burst of
/// them. Changes stop being seen when the returned watcher is dropped.
fn watch(paths: &[PathBuf], command: String) -> Result<RecommendedWatcher, String> {
    let (sender, events) = channel();
    let mut watcher = notify::recommended_watcher(sender)
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
    let mut watched = Vec::new();
    for path in paths {
        let full = path.canonicalize().map_err(|e| crate::io_error(path, &e))?;
        // A file through its directory: editors save by replacing the file.
        let (dir, mode) = match full.parent() {
            Some(parent) if !full.is_dir() => (parent.to_path_buf(), RecursiveMode::NonRecursive),
            _ => (full.clone(), RecursiveMode::Recursive),
        };
        watcher
            .watch(&dir, mode)
            .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        watched.push(full);
    }
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || rebuild_on_change(&events, &watched, &command))
        .map_err(|e| format!("cannot start the watcher: {e}"))?;
    Ok(watcher)
}

fn rebuild_on_change(
    events: &Receiver<notify::Result<notify::Event>>,
    watched: &[PathBuf],
    command: &str,
) {
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(event) => {
            !matches!(event.kind, EventKind::Access(_))
                && event.paths.iter().any(|p| counts(watched, p))
        }
        Err(e) => {
            eprintln!("warning: while watching for changes: {e}");
            false
        }
    };
    while let Ok(event) = events.recv() {
        if !relevant(&event) {
            continue;
        }
        // Let a burst of changes (a save, a checkout) end first.
        let mut quiet_at = Instant::now() + SETTLE;
        loop {
            match events.recv_timeout(quiet_at.saturating_duration_since(Instant::now())) {
                Ok(event) if relevant(&event) => quiet_at = Instant::now() + SETTLE,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        println!("Change detected, rebuilding…");
        match Command::new("sh").arg("-c").arg(command).status() {
            Ok(status) if status.success() => println!("Rebuild succeeded; reload the page."),
            Ok(status) => {
                eprintln!("error: rebuild failed ({status}); still serving the previous build")
            }
            Err(e) => eprintln!("error: could not run `sh -c {command}`: {e}"),
        }
        // What changed while it ran, files the build itself writes too, does not
        // start another.
        while events.try_recv().is_ok() {}
    }
}

/// Serves `options.dir` until the process is stopped.
pub fn run(options: Options) -> Result<(), String> {
    let dir = &options.dir;
    if !dir.is_dir() {
        return Err(format!(
            "{}: no such directory (build the book first)",
            dir.display()
        ));
    }
    for path in &options.watch {
        if !path.exists() {
            return Err(format!(
                "--watch {}: no such file or directory",
                path.display()
            ));
        }
    }
    let port = options.port;
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        if e.kind() == ErrorKind::AddrInUse {
            format!(
                "port {port} is already in use (is another preview server running?); \
                 choose another port, e.g. PORT={} or --port {}",
                port.wrapping_add(1),
                port.wrapping_add(1)
            )
        } else {
            format!("cannot listen on 127.0.0.1:{port}: {e}")
        }
    })?;
    println!(
        "Serving {} on http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        dir.display()
    );
    // Changes are seen for as long as this lives: until the server stops.
    let _watcher = match options.rebuild {
        Some(command) => {
            println!(
                "Watching {} path(s); `{command}` rebuilds on change.",
                options.watch.len()
            );
            Some(watch(&options.watch, command)?)
        }
        None => None,
    };
    let root = Arc::new(dir.clone());
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let root = Arc::clone(&root);
                // If no thread can be started, the connection is simply dropped.
                let _ = std::thread::Builder::new().spawn(move || handle(stream, &root));
            }
            Err(e) => eprintln!("warning: failed to accept a connection: {e}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site(name: &str) -> PathBuf {
        let dir = crate::testdir::tree(
            &format!("serve-{name}"),
            &[
                ("index.html", "home"),
                ("de/index.html", "de"),
                ("de/sub dir/ü.css", "css"),
            ],
        );
        fs::create_dir_all(dir.join("empty")).unwrap();
        dir
    }

    #[test]
    fn maps_targets_to_files() {
        let root = site("map");
        assert_eq!(
            map_target(&root, "/"),
            Target::File(root.join("index.html"))
        );
        assert_eq!(
            map_target(&root, "/index.html?x=1#y"),
            Target::File(root.join("index.html"))
        );
        assert_eq!(
            map_target(&root, "/de/"),
            Target::File(root.join("de/index.html"))
        );
        assert_eq!(map_target(&root, "/de"), Target::Redirect("/de/".into()));
        assert_eq!(
            map_target(&root, "/de?lang=1"),
            Target::Redirect("/de/?lang=1".into())
        );
        assert_eq!(
            map_target(&root, "/de/sub%20dir/%C3%BC.css"),
            Target::File(root.join("de/sub dir/ü.css"))
        );
        assert_eq!(
            map_target(&root, "http://127.0.0.1:3000/de/"),
            Target::File(root.join("de/index.html"))
        );
        assert_eq!(map_target(&root, "/empty/"), Target::NotFound);
        assert_eq!(map_target(&root, "/nope.html"), Target::NotFound);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn rejects_traversal_and_garbage() {
        let root = site("reject");
        for target in [
            "/../etc/passwd",
            "/de/../../x",
            "/%2e%2e/x",
            "/de/%2E%2E%2F%2E%2E%2Fx",
            "/a\\..\\b",
        ] {
            assert_eq!(map_target(&root, target), Target::Forbidden, "{target}");
        }
        for target in ["*", "index.html", "/%zz", "/%C3", "/a%00b"] {
            assert_eq!(map_target(&root, target), Target::BadRequest, "{target}");
        }
        fs::remove_dir_all(root).unwrap();
    }

    fn status(response: &[u8]) -> String {
        let text = String::from_utf8_lossy(response);
        text.lines().next().unwrap_or("").to_string()
    }

    #[test]
    fn responds() {
        let root = site("respond");
        let ok = respond(&root, b"GET /de/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(status(&ok), "HTTP/1.1 200 OK");
        assert!(String::from_utf8_lossy(&ok).contains("Content-Type: text/html; charset=utf-8"));
        assert!(ok.ends_with(b"\r\n\r\nde"));
        let head = respond(&root, b"HEAD /de/ HTTP/1.1\r\n\r\n");
        assert!(head.ends_with(
            b"Content-Length: 2\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(
            status(&respond(&root, b"POST / HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 405 Method Not Allowed"
        );
        assert_eq!(
            status(&respond(&root, b"GET /de HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 301 Moved Permanently"
        );
        assert_eq!(
            status(&respond(&root, b"GET /../x HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 403 Forbidden"
        );
        for bad in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET /\r\n\r\n",
            b"\xff\xfe / HTTP/1.1\r\n\r\n",
            b"get / HTTP/1.1\r\n\r\n",
            b"",
        ] {
            assert_eq!(status(&respond(&root, bad)), "HTTP/1.1 400 Bad Request");
        }
        assert_eq!(
            status(&respond(&root, b"GET /nope HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 404 Not Found"
        );
        fs::write(root.join("404.html"), "custom 404").unwrap();
        assert!(respond(&root, b"GET /nope HTTP/1.1\r\n\r\n").ends_with(b"custom 404"));
        // Each language's own page under its prefix.
        fs::create_dir_all(root.join("de")).unwrap();
        fs::write(root.join("de").join("404.html"), "nicht gefunden").unwrap();
        assert!(respond(&root, b"GET /de/nope HTTP/1.1\r\n\r\n").ends_with(b"nicht gefunden"));
        assert!(respond(&root, b"GET /fr/nope HTTP/1.1\r\n\r\n").ends_with(b"custom 404"));
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/b.WOFF2")), "font/woff2");
        assert_eq!(
            content_type(Path::new("book.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.map")), "application/json");
        assert_eq!(content_type(Path::new("sitemap.xml")), "application/xml");
        assert_eq!(
            content_type(Path::new("README")),
            "application/octet-stream"
        );
    }

    #[test]
    fn changes_count_but_not_in_build_dirs() {
        let root = site("counts");
        let watched = [root.clone(), root.join("de/sub dir/ü.css")];
        assert!(counts(&watched, &root.join("new.md")));
        assert!(counts(&watched, &root.join("de/index.html")));
        assert!(counts(&watched, &root.join("gone/deleted.md")));
        assert!(counts(&watched, &root.join("build")));
        assert!(!counts(&watched, &root.join("target/debug/x")));
        assert!(!counts(&watched, &root.join("de/.git/index")));
        assert!(!counts(&watched, &root.join("de/build/x.html")));
        assert!(!counts(&watched, &root.join("empty")));
        assert!(!counts(&watched, Path::new("/elsewhere/x.md")));
        // The watched paths themselves are never skipped, even if named `build`.
        assert!(counts(&[root.join("build")], &root.join("build/x")));
        assert!(counts(&watched[1..], &watched[1]));
        assert!(!counts(&watched[1..], &root.join("de/sub dir/other.css")));
        fs::remove_dir_all(root).unwrap();
    }

    /// Waits up to `seconds` for `path` to exist.
    /// Whether `path` appears within `seconds`; if it does, waits a little
    /// longer for the rebuild that wrote it to end, since what changes while a
    /// rebuild runs is ignored on purpose (the build's own writes would loop).
    fn appears(path: &Path, seconds: u64) -> bool {
        let until = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < until {
            if path.exists() {
                std::thread::sleep(SETTLE + Duration::from_millis(1500));
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        path.exists()
    }

    #[test]
    fn rebuilds_on_change() {
        let root = site("rebuild");
        let marker = root.with_extension("rebuilt");
        let _ = fs::remove_file(&marker);
        fs::write(root.join("book.toml"), "").unwrap();
        fs::create_dir_all(root.join("src/target")).unwrap();
        let command = format!("echo >> '{}'", marker.display());
        let watched = [root.join("src"), root.join("book.toml")];
        let _watcher = watch(&watched, command).unwrap();

        fs::write(root.join("src/target/x"), "built").unwrap();
        fs::write(root.join("index.html"), "not watched").unwrap();
        assert!(!appears(&marker, 2), "a change that does not count rebuilt");
        fs::write(root.join("src/ch01.md"), "# One").unwrap();
        assert!(appears(&marker, 20), "no rebuild after a change");
        fs::remove_file(&marker).unwrap();
        // A file replaced as editors save it: written beside it, renamed over it.
        fs::write(root.join("book.toml.new"), "[book]").unwrap();
        fs::rename(root.join("book.toml.new"), root.join("book.toml")).unwrap();
        assert!(appears(&marker, 20), "no rebuild after book.toml changed");
        fs::remove_file(&marker).unwrap();
        fs::write(root.join("book.toml.new"), "[book]\n").unwrap();
        fs::rename(root.join("book.toml.new"), root.join("book.toml")).unwrap();
        assert!(
            appears(&marker, 20),
            "no rebuild after book.toml changed again"
        );
        fs::remove_dir_all(root).unwrap();
        let _ = fs::remove_file(&marker);
    }
}
