//! `serve`: a static file server (tiny_http) for previewing the built book, with
//! an optional "watch (notify) and rebuild" loop.

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};
use tiny_http::{Header, Request, Response, Server, StatusCode};

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

/// `%XX` escapes decoded; `None` if one is malformed or the result is not UTF-8.
/// (The check by hand: percent-encoding keeps a malformed escape, we refuse it.)
fn percent_decode(s: &str) -> Option<String> {
    let hex = |i: usize| {
        s.get(i..i + 2)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if !s.match_indices('%').all(|(i, _)| hex(i + 1)) {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    Some(decoded.into_owned())
}

// By hand: how addresses map to the files of the site (tiny_http hands over the raw target).

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

/// The Content-Type of a file, from its extension; text is UTF-8.
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// A response, before tiny_http writes it (it adds Content-Length, and leaves
/// out the body for HEAD).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    /// A plain-text reply that says its status: "404 Not Found".
    fn text(status: u16) -> Self {
        let reason = StatusCode(status).default_reason_phrase();
        let body = format!("{status} {reason}\n").into_bytes();
        Reply::new(status, "text/plain; charset=utf-8", body)
    }

    fn with(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// The reply to a request with this method and target.
pub fn respond(root: &Path, method: &str, target: &str) -> Reply {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Reply::text(400);
    }
    if !matches!(method, "GET" | "HEAD") {
        return Reply::text(405).with("Allow", "GET, HEAD".into());
    }
    match map_target(root, target) {
        Target::File(path) => match std::fs::read(&path) {
            Ok(body) => Reply::new(200, &content_type(&path), body),
            Err(_) => not_found(root, target),
        },
        Target::Redirect(location) => {
            Reply::new(301, "text/plain; charset=utf-8", Vec::new()).with("Location", location)
        }
        Target::NotFound => not_found(root, target),
        Target::Forbidden => Reply::text(403),
        Target::BadRequest => Reply::text(400),
    }
}

/// The "not found" page of the language the address belongs to: `/de/…`
/// gets `de/404.html` when there is one, everything else the root's `404.html`.
fn not_found(root: &Path, target: &str) -> Reply {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let first = path.split('/').find(|segment| !segment.is_empty());
    let page = match first {
        Some(dir) if dir != ".." && dir != "." && root.join(dir).join("404.html").is_file() => {
            root.join(dir).join("404.html")
        }
        _ => root.join("404.html"),
    };
    match std::fs::read(page) {
        Ok(body) => Reply::new(404, "text/html; charset=utf-8", body),
        Err(_) => Reply::text(404),
    }
}

fn handle(request: Request, root: &Path) {
    let reply = respond(root, request.method().as_str(), request.url());
    // Content-Length always, never chunked: the whole body is at hand.
    let mut response = Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_chunked_threshold(usize::MAX);
    let no_cache = ("Cache-Control", "no-cache".to_string());
    for (name, value) in reply.headers.into_iter().chain([no_cache]) {
        // A Location that is not ASCII cannot be sent; the client gets no redirect.
        if let Ok(header) = Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    // The client may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

/// Answers the requests of `server` until it stops.
fn answer(server: &Server, root: &Path) {
    for request in server.incoming_requests() {
        handle(request, root);
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
        if e.kind() == std::io::ErrorKind::AddrInUse {
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
    let server = Server::from_listener(listener, None)
        .map_err(|e| format!("cannot serve on 127.0.0.1:{port}: {e}"))?;
    println!(
        "Serving {} on http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        dir.display()
    );
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
    // A few threads answer, so that one slow client does not hold up the others.
    let server = Arc::new(server);
    let root = Arc::new(dir.clone());
    let mut threads = Vec::new();
    for _ in 0..4 {
        let (server, root) = (Arc::clone(&server), Arc::clone(&root));
        let thread = std::thread::Builder::new().spawn(move || answer(&server, &root));
        threads.push(thread.map_err(|e| format!("cannot start a server thread: {e}"))?);
    }
    for thread in threads {
        let _ = thread.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("book-tools-serve-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("de/sub dir")).unwrap();
        fs::create_dir_all(dir.join("empty")).unwrap();
        fs::write(dir.join("index.html"), "home").unwrap();
        fs::write(dir.join("de/index.html"), "de").unwrap();
        fs::write(dir.join("de/sub dir/ü.css"), "css").unwrap();
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

    #[test]
    fn responds() {
        let root = site("respond");
        let ok = respond(&root, "GET", "/de/");
        assert_eq!(ok.status, 200);
        assert_eq!(
            ok.headers,
            [("Content-Type", "text/html; charset=utf-8".to_string())]
        );
        assert_eq!(ok.body, b"de");
        let not_allowed = respond(&root, "POST", "/");
        assert_eq!(not_allowed.status, 405);
        assert!(not_allowed.headers.contains(&("Allow", "GET, HEAD".into())));
        let redirect = respond(&root, "HEAD", "/de?x=1");
        assert_eq!(redirect.status, 301);
        assert!(redirect.headers.contains(&("Location", "/de/?x=1".into())));
        assert_eq!(respond(&root, "GET", "/../x").status, 403);
        assert_eq!(respond(&root, "get", "/").status, 400);
        assert_eq!(respond(&root, "GET", "index.html").status, 400);
        let missing = respond(&root, "GET", "/nope");
        assert_eq!(
            (missing.status, missing.body),
            (404, b"404 Not Found\n".to_vec())
        );
        fs::write(root.join("404.html"), "custom 404").unwrap();
        assert_eq!(respond(&root, "GET", "/nope").body, b"custom 404");
        // Each language's own page under its prefix.
        fs::write(root.join("de").join("404.html"), "nicht gefunden").unwrap();
        let de = respond(&root, "GET", "/de/nope?x");
        assert_eq!((de.status, de.body), (404, b"nicht gefunden".to_vec()));
        assert_eq!(respond(&root, "GET", "/fr/nope").body, b"custom 404");
        assert_eq!(respond(&root, "GET", "/../nope").status, 403);
        fs::remove_dir_all(root).unwrap();
    }

    /// Sends `request` as it is to the server at `address`; the whole response.
    fn exchange(address: std::net::SocketAddr, request: &[u8]) -> String {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    }

    #[test]
    fn serves_over_http() {
        let root = site("http");
        fs::write(root.join("de/404.html"), "nicht gefunden").unwrap();
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let address = listener.local_addr().unwrap();
        let server = Server::from_listener(listener, None).unwrap();
        let served = root.clone();
        std::thread::spawn(move || answer(&server, &served));
        let get = |request: &str| exchange(address, request.as_bytes());

        fs::write(root.join("big.js"), "x".repeat(100_000)).unwrap();
        let big = get("GET /big.js HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(
            big.contains("Content-Length: 100000\r\n"),
            "{}",
            &big[..300]
        );
        let ok = get("GET /de/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(
            ok.contains("Content-Type: text/html; charset=utf-8\r\n"),
            "{ok}"
        );
        assert!(ok.contains("Cache-Control: no-cache\r\n"), "{ok}");
        assert!(ok.ends_with("\r\n\r\nde"), "{ok}");
        let head = get("HEAD /de/ HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("Content-Length: 2\r\n"), "{head}");
        assert!(head.ends_with("\r\n\r\n"), "{head}");
        let moved = get("GET /de?x HTTP/1.0\r\n\r\n");
        assert!(
            moved.starts_with("HTTP/1.0 301 Moved Permanently\r\n"),
            "{moved}"
        );
        assert!(moved.contains("Location: /de/?x\r\n"), "{moved}");
        let missing = get("GET /de/nope HTTP/1.0\r\n\r\n");
        assert!(
            missing.starts_with("HTTP/1.0 404 Not Found\r\n"),
            "{missing}"
        );
        assert!(missing.ends_with("nicht gefunden"), "{missing}");
        let post = get("POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
        assert!(
            post.starts_with("HTTP/1.0 405 Method Not Allowed\r\n"),
            "{post}"
        );
        assert!(post.contains("Allow: GET, HEAD\r\n"), "{post}");
        for bad in [
            "GARBAGE\r\n\r\n",
            "GET /\r\n\r\n",
            "get / HTTP/1.0\r\n\r\n",
            "GET /%zz HTTP/1.0\r\n\r\n",
        ] {
            let response = get(bad);
            assert!(
                response.contains(" 400 Bad Request\r\n"),
                "{bad:?}: {response}"
            );
        }
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/b.WOFF2")), "font/woff2");
        assert_eq!(
            content_type(Path::new("book.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.json")), "application/json");
        assert_eq!(content_type(Path::new("x.svg")), "image/svg+xml");
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
    fn appears(path: &Path, seconds: u64) -> bool {
        let until = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < until {
            if path.exists() {
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
