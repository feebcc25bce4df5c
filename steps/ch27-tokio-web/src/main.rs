// ANCHOR: all
// ANCHOR: use
use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use ch16_parser::request::{self, Refusal, Request};
use percent_encoding::percent_decode_str;
use socket2::{Domain, Socket, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
use tokio::task;
use tokio::time::{self, Instant, timeout, timeout_at};
use tokio_util::sync::CancellationToken;
use tokio_util::task::{AbortOnDropHandle, TaskTracker};
// ANCHOR_END: use

// ANCHOR: limits
/// How many requests are worked on at once: as many as Part III's pool had
/// workers. A worker is a permit now, not a thread.
const WORKERS: usize = 4;
/// How many more requests may wait for one of the [`WORKERS`].
const QUEUE: usize = 16;
/// How long a request that finds the workers and the queue full may wait for
/// room, before it is answered `503 Service Unavailable` (chapter 21).
const MAX_WAIT: Duration = if cfg!(test) {
    Duration::from_millis(400)
} else {
    Duration::from_millis(500)
};
/// How many requests may wait for room at once; the next ones get their
/// `503` at once.
const WAITING: usize = 64;
/// How many connections the server holds at once; the next ones get a `503`
/// without being read. Each costs a task and an open file, not a thread.
const CONNECTIONS: usize = 10_000;
// ANCHOR_END: limits

/// How long a client has to send the head of its request.
const HEAD_TIME: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};
/// How many bytes the head of a request may have.
const MAX_HEAD: usize = 8 * 1024;
/// How long a connection may stay silent between two requests.
const IDLE_TIME: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};
/// How many requests one connection may send.
const MAX_REQUESTS: usize = 100;
/// Once the server stops: how long a connection that has sent nothing of a
/// request yet still has to send one.
const LAST_CALL: Duration = if cfg!(test) {
    Duration::from_millis(250)
} else {
    Duration::from_secs(1)
};
/// How many connections the listen queue holds, and how many of them we
/// still take once the server stops.
const LISTEN_QUEUE: usize = 1024;
/// How long we wait for a client that we answered to hang up.
const LINGER: Duration = Duration::from_secs(1);
/// How long a request for `/sleep` takes.
const SLEEP: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};

// ANCHOR: main
#[tokio::main]
async fn main() {
    echo::raise_open_files();
    let listener = listen("127.0.0.1:7878".parse().unwrap()).unwrap();
    println!("Listening on http://{}", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    tokio::spawn(on_signals(stop.clone()));
    let log = serve(listener, stop).await;
    print!("{log}");
    println!("Goodbye.");
}
// ANCHOR_END: main

// ANCHOR: signals
/// The first SIGINT (Ctrl-C), SIGTERM or SIGHUP stops the server gently;
/// the second one at once.
async fn on_signals(stop: CancellationToken) {
    next_signal().await;
    println!("Stopping: finishing the requests in progress (Ctrl-C again stops at once).");
    stop.cancel();
    next_signal().await;
    println!("Stopping at once.");
    std::process::exit(130);
}

#[cfg(unix)]
async fn next_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut kinds = [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ]
    .map(|kind| signal(kind).expect("cannot listen for signals"));
    let [interrupt, terminate, hangup] = &mut kinds;
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
        _ = hangup.recv() => {}
    }
}

#[cfg(not(unix))]
async fn next_signal() {
    tokio::signal::ctrl_c()
        .await
        .expect("cannot listen for Ctrl-C");
}
// ANCHOR_END: signals

/// A listener on `addr` whose listen queue holds [`LISTEN_QUEUE`]
/// connections (chapter 21), for Tokio.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_QUEUE as i32)?;
    // Tokio's sockets never block: it waits for them with `epoll`.
    socket.set_nonblocking(true)?;
    TcpListener::from_std(socket.into())
}

// ANCHOR: shared
/// What every connection's task shares.
struct Shared {
    /// Cancelled once the server stops.
    stop: CancellationToken,
    workers: Workers,
    /// A permit for each request at the workers: being worked on, or waiting
    /// in the queue.
    room: Arc<Semaphore>,
    /// A permit for each request that waits for room.
    waiting: Semaphore,
    pages: Pages,
    log: Log,
}

impl Shared {
    fn new(stop: CancellationToken) -> Shared {
        Shared {
            stop,
            workers: Workers::new(),
            room: Arc::new(Semaphore::new(WORKERS + QUEUE)),
            waiting: Semaphore::new(WAITING),
            pages: Pages::read(),
            log: Log::default(),
        }
    }
}
// ANCHOR_END: shared

// ANCHOR: serve
/// Answers the connections that arrive on `listener`, each in a task of its
/// own, until `stop` is cancelled; then answers the connections it has, and
/// returns the log once every task has ended.
async fn serve(listener: TcpListener, stop: CancellationToken) -> Arc<Shared> {
    let shared = Arc::new(Shared::new(stop.clone()));
    let connections = Arc::new(Semaphore::new(CONNECTIONS));
    let tasks = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            // Looked at first: once the server stops, it accepts no one.
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => take(stream, &connections, &tasks, &shared),
            Err(e) => {
                // Most often: no file descriptor left (EMFILE).
                eprintln!("Accepting a connection failed: {e}");
                time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    // The clients in the listen queue have connected already: we take them,
    // then close the port, and wait until every task has ended.
    take_listen_queue(listener, &connections, &tasks, &shared);
    tasks.close();
    tasks.wait().await;
    shared
}

/// Starts the task for the connection `stream`; or, if the server holds
/// [`CONNECTIONS`] already, one that answers `503` without reading it.
fn take(
    stream: TcpStream,
    connections: &Arc<Semaphore>,
    tasks: &TaskTracker,
    shared: &Arc<Shared>,
) {
    shared.log.accepted();
    let shared = Arc::clone(shared);
    match Arc::clone(connections).try_acquire_owned() {
        Ok(permit) => {
            tasks.spawn(async move {
                connection(stream, &shared).await;
                // Dropped last: the connection is closed.
                drop(permit);
            });
        }
        Err(_) => {
            tasks.spawn(async move {
                let busy = shared.pages.busy();
                answer_and_close(stream, busy, &Line::unknown(Instant::now()), &shared).await;
            });
        }
    }
}
// ANCHOR_END: serve

/// Takes the connections that wait in the listen queue, without waiting
/// for more, and closes the port.
fn take_listen_queue(
    listener: TcpListener,
    connections: &Arc<Semaphore>,
    tasks: &TaskTracker,
    shared: &Arc<Shared>,
) {
    // Tokio lets go of the socket; we take what is there, without waiting.
    let Ok(listener) = listener.into_std() else {
        return;
    };
    for _ in 0..LISTEN_QUEUE {
        let Ok((stream, _)) = listener.accept() else {
            // `WouldBlock`: the queue is empty.
            return;
        };
        match stream
            .set_nonblocking(true)
            .and_then(|()| TcpStream::from_std(stream))
        {
            Ok(stream) => take(stream, connections, tasks, shared),
            Err(e) => eprintln!("Taking a connection failed: {e}"),
        }
    }
}

// ANCHOR: connection
/// Serves one connection: request after request, until it closes.
async fn connection(mut stream: TcpStream, shared: &Shared) {
    // What the client sent and we have not answered yet.
    let mut received = Vec::new();
    let mut count = 0;
    loop {
        let (head, since) = read_head(&mut stream, &mut received, count, &shared.stop).await;
        let end = match head {
            Head::Whole(end) => end,
            // Idle, or silent once the server stops: no answer.
            Head::Quiet => return close_politely(stream).await,
            Head::TimedOut => {
                let page = shared.pages.get("408 Request Timeout", "", "408.html");
                return answer_and_close(stream, page, &Line::unknown(since), shared).await;
            }
            Head::TooLarge => {
                let page = if request_line_too_long(&received) {
                    shared.pages.get("414 URI Too Long", "", "414.html")
                } else {
                    shared
                        .pages
                        .get("431 Request Header Fields Too Large", "", "431.html")
                };
                return answer_and_close(stream, page, &Line::unknown(since), shared).await;
            }
            Head::Gone => return,
        };
        // The head leaves `received`; what follows it stays: the next request.
        let head: Vec<u8> = received.drain(..end).collect();
        count += 1;
        let line = Line::of(&head, since);
        let work = work_on(head, count < MAX_REQUESTS, shared);
        let Some(worked) = unless_gone(&mut stream, &mut received, work).await else {
            // The client hung up: its work is dropped, and nobody waits
            // for an answer.
            let Line { method, target, .. } = &line;
            eprintln!("{method} {target}: the client hung up, the work was dropped.");
            return;
        };
        let Some((answer, who)) = worked else {
            let busy = shared.pages.busy();
            return answer_and_close(stream, busy, &line, shared).await;
        };
        // Once the server stops, the answer says that the connection closes,
        // unless the client has sent more already: we answer that too.
        let stays_open = answer.wants_open && !(shared.stop.is_cancelled() && received.is_empty());
        let status = answer.page.status;
        let sent = answer
            .page
            .send(&mut stream, answer.with_body, stays_open)
            .await;
        shared.log.answered(&line, status, &who);
        if let Err(e) = sent {
            if e.kind() != ErrorKind::ConnectionReset {
                eprintln!("Answering a request failed: {e}");
            }
            return;
        }
        if !stays_open {
            return close_politely(stream).await;
        }
    }
}
// ANCHOR_END: connection

// ANCHOR: unless_gone
/// Runs `work` to its end, unless the client hangs up first: then `work`
/// is dropped, and with it whatever it waited for, and this returns `None`.
/// What the client sends meanwhile is its next request: it goes to
/// `received`, up to the size of a head.
async fn unless_gone<T>(
    stream: &mut TcpStream,
    received: &mut Vec<u8>,
    work: impl std::future::Future<Output = T>,
) -> Option<T> {
    let mut work = std::pin::pin!(work);
    let mut chunk = [0; 1024];
    while received.len() <= MAX_HEAD {
        tokio::select! {
            // Looked at first: the work that is done is answered.
            biased;
            done = &mut work => return Some(done),
            read = stream.read(&mut chunk) => match read {
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // The client closed the connection, or reset it.
                Ok(0) | Err(_) => return None,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            },
        }
    }
    // Enough of the next request: its turn will tell what it is.
    Some(work.await)
}
// ANCHOR_END: unless_gone

// ANCHOR: read_head
/// How far the head of a connection's next request came.
enum Head {
    /// Whole: it is the first this many bytes of what was received.
    Whole(usize),
    /// Nothing of a request came, and it is time to close without a word:
    /// the connection was idle for [`IDLE_TIME`], or the server stopped
    /// and its last call is over.
    Quiet,
    /// Not whole within [`HEAD_TIME`].
    TimedOut,
    /// Longer than [`MAX_HEAD`].
    TooLarge,
    /// The client hung up, or the connection failed.
    Gone,
}

/// Reads into `received` until it holds the whole head of a request, for
/// the connection's request number `count + 1`. Returns how far it came,
/// and when the request began: when its first byte came.
async fn read_head(
    stream: &mut TcpStream,
    received: &mut Vec<u8>,
    count: usize,
    stop: &CancellationToken,
) -> (Head, Instant) {
    let mut since = Instant::now();
    // A new connection has the time of a head from now on; one that waits
    // for its next request the idle time, until a byte comes.
    let is_idle = |received: &Vec<u8>| count > 0 && received.is_empty();
    let mut deadline = since
        + if is_idle(received) {
            IDLE_TIME
        } else {
            HEAD_TIME
        };
    let mut last_call = None;
    let mut chunk = [0; 1024];
    loop {
        match head_end(received) {
            Some(end) if end <= MAX_HEAD => return (Head::Whole(end), since),
            Some(_) => return (Head::TooLarge, since),
            None if received.len() > MAX_HEAD => return (Head::TooLarge, since),
            None => {} // not whole yet: read on
        }
        // Once the server stops, a connection that has sent nothing of a
        // request has its last call.
        let sent_nothing = received.is_empty();
        if sent_nothing && stop.is_cancelled() {
            last_call.get_or_insert(Instant::now() + LAST_CALL);
        }
        let until = match last_call {
            Some(end) if sent_nothing => end.min(deadline),
            _ => deadline,
        };
        let read = tokio::select! {
            read = timeout_at(until, stream.read(&mut chunk)) => read,
            // The server stops while we wait: look again.
            () = stop.cancelled(), if last_call.is_none() && sent_nothing => continue,
        };
        match read {
            Err(_) if sent_nothing && (is_idle(received) || last_call.is_some()) => {
                return (Head::Quiet, since);
            }
            Err(_) => return (Head::TimedOut, since),
            Ok(Ok(0)) => return (Head::Gone, since),
            Ok(Ok(n)) => {
                if received.is_empty() {
                    if is_idle(received) {
                        // The next request starts: it has the time of a head.
                        deadline = Instant::now() + HEAD_TIME;
                    }
                    since = Instant::now(); // its first byte
                }
                received.extend_from_slice(&chunk[..n]);
            }
            Ok(Err(e)) if e.kind() == ErrorKind::Interrupted => {}
            Ok(Err(_)) => return (Head::Gone, since),
        }
    }
}
// ANCHOR_END: read_head

/// Where the head in `bytes` ends, just past its blank line, if it has one.
/// Lines end in `\r\n`; a bare `\n` is accepted too (RFC 9112, section 2.2).
fn head_end(bytes: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' {
            let line = &bytes[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

/// Whether the request line in `head` alone is longer than [`MAX_HEAD`].
fn request_line_too_long(head: &[u8]) -> bool {
    match head.iter().position(|&byte| byte == b'\n') {
        Some(end) => end > MAX_HEAD,
        None => true,
    }
}

// ANCHOR: work_on
/// What the work on a request came to.
struct Answer {
    page: Page,
    /// `false` for `HEAD`.
    with_body: bool,
    /// Whether the request lets the connection stay open.
    wants_open: bool,
}

/// Works on the request whose head is `head`, with one of the [`WORKERS`],
/// once there is room for it. Returns the answer and the name of the worker;
/// `None` if no room came within [`MAX_WAIT`].
async fn work_on(head: Vec<u8>, may_stay_open: bool, shared: &Shared) -> Option<(Answer, String)> {
    let _room = room(shared).await?;
    // Waits for a worker as long as it takes, in the order they came.
    let worker = shared.workers.take().await;
    let pages = shared.pages.clone();
    // A task of its own: if the handler panics, Tokio catches the panic,
    // and the task's handle says so.
    // If the client hangs up, `unless_gone` drops this future, and the
    // handle then aborts the task.
    let job = AbortOnDropHandle::new(tokio::spawn(async move {
        handle(&head, may_stay_open, &pages).await
    }));
    let answer = match job.await {
        Ok(answer) => answer,
        // The panic's message is printed already. The connection closes
        // after the 500.
        Err(_) => Answer {
            page: shared
                .pages
                .get("500 Internal Server Error", "", "500.html"),
            with_body: true,
            wants_open: false,
        },
    };
    Some((answer, worker.name()))
}

/// A place at the workers: at once if there is one, else after waiting up
/// to [`MAX_WAIT`], if fewer than [`WAITING`] wait already.
async fn room(shared: &Shared) -> Option<OwnedSemaphorePermit> {
    if let Ok(permit) = Arc::clone(&shared.room).try_acquire_owned() {
        return Some(permit);
    }
    let _waiting = shared.waiting.try_acquire().ok()?;
    let room = Arc::clone(&shared.room).acquire_owned();
    timeout(MAX_WAIT, room).await.ok()?.ok()
}
// ANCHOR_END: work_on

// ANCHOR: workers
/// The [`WORKERS`]: a permit each, and a number each, which the log shows.
struct Workers {
    permits: Semaphore,
    /// The numbers of the workers that are free.
    free: Mutex<Vec<usize>>,
}

/// One of the [`Workers`], taken until it is dropped.
struct Worker<'a> {
    number: usize,
    workers: &'a Workers,
    _permit: SemaphorePermit<'a>,
}

impl Workers {
    fn new() -> Workers {
        Workers {
            permits: Semaphore::new(WORKERS),
            free: Mutex::new((1..=WORKERS).rev().collect()),
        }
    }

    /// Waits until a worker is free, and takes it.
    async fn take(&self) -> Worker<'_> {
        // Tokio's semaphore serves those who wait in the order they came.
        let permit = self.permits.acquire().await.expect("never closed");
        let number = self
            .free
            .lock()
            .unwrap()
            .pop()
            .expect("a number for each permit");
        Worker {
            number,
            workers: self,
            _permit: permit,
        }
    }
}

impl Worker<'_> {
    /// `worker-2`.
    fn name(&self) -> String {
        format!("worker-{}", self.number)
    }
}

impl Drop for Worker<'_> {
    /// Gives the number back, before the permit: whoever takes the permit
    /// next finds a number.
    fn drop(&mut self) {
        self.workers.free.lock().unwrap().push(self.number);
    }
}
// ANCHOR_END: workers

// ANCHOR: handle
/// The work on the request whose head is `head`.
async fn handle(head: &[u8], may_stay_open: bool, pages: &Pages) -> Answer {
    match request::parse(head) {
        Ok(request) => Answer {
            page: route(&request, pages).await,
            with_body: request.method != "HEAD",
            wants_open: may_stay_open && stays_open(&request),
        },
        Err(refusal) => {
            eprintln!("Refused a request: {refusal}.");
            Answer {
                page: refusal_page(refusal, pages),
                with_body: true,
                wants_open: false,
            }
        }
    }
}
// ANCHOR_END: handle

/// Whether the connection may stay open after the answer to `request`: it
/// is HTTP/1.1, does not ask us to close, and has no body, which we do not
/// read.
fn stays_open(request: &Request) -> bool {
    let mut asks_to_close = false;
    let mut has_body = false;
    for header in &request.headers {
        if header.name.eq_ignore_ascii_case("Connection") {
            asks_to_close |= header
                .value
                .split(|&byte| byte == b',')
                .any(|option| option.trim_ascii().eq_ignore_ascii_case(b"close"));
        }
        if header.name.eq_ignore_ascii_case("Content-Length") {
            has_body |= header.value != b"0";
        }
        if header.name.eq_ignore_ascii_case("Transfer-Encoding") {
            has_body = true;
        }
    }
    request.minor_version >= 1 && !asks_to_close && !has_body
}

// ANCHOR: route
/// The methods that HTTP defines; we answer two of them.
const KNOWN_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];
const ALLOW: &str = "Allow: GET, HEAD\r\n";

/// The page for a request that the parser took.
async fn route(request: &Request<'_>, pages: &Pages) -> Page {
    let (status, extra, file_name) = match (request.method, request.path()) {
        ("GET" | "HEAD", "/") => ("200 OK", "", "hello.html"),
        // Stands in for a bug: a handler that panics.
        ("GET" | "HEAD", "/panic") => panic!("a bug, on purpose: /panic always panics"),
        ("GET" | "HEAD", "/sleep") => {
            // Stands in for slow work: a query to another server, which
            // holds its worker, and no thread.
            time::sleep(SLEEP).await;
            ("200 OK", "", "hello.html")
        }
        ("GET" | "HEAD", path) => {
            // Files are opened on Tokio's threads for blocking work: the
            // system has no readiness for files.
            let path = path.to_string();
            match task::spawn_blocking(move || file_page(Path::new(ROOT), &path)).await {
                Ok(Some(page)) => return page,
                _ => ("404 Not Found", "", "404.html"),
            }
        }
        (method, _) if KNOWN_METHODS.contains(&method) => {
            ("405 Method Not Allowed", ALLOW, "405.html")
        }
        _ => ("501 Not Implemented", ALLOW, "501.html"),
    };
    pages.get(status, extra, file_name)
}
// ANCHOR_END: route

/// The page for a request that the parser refused.
fn refusal_page(refusal: Refusal, pages: &Pages) -> Page {
    match refusal {
        Refusal::Malformed(_) => pages.get("400 Bad Request", "", "400.html"),
        Refusal::Version => pages.get("505 HTTP Version Not Supported", "", "505.html"),
        Refusal::TooManyHeaders => pages.get("431 Request Header Fields Too Large", "", "431.html"),
    }
}

// ANCHOR: pages
/// The server's own pages, read once at start: a task never waits for the
/// disk for them. Cloning shares them.
#[derive(Clone)]
struct Pages(Arc<HashMap<&'static str, Arc<[u8]>>>);

/// The pages in `steps/` that the server answers with.
const PAGE_FILES: [&str; 11] = [
    "hello.html",
    "404.html",
    "400.html",
    "405.html",
    "408.html",
    "414.html",
    "431.html",
    "500.html",
    "501.html",
    "503.html",
    "505.html",
];

impl Pages {
    /// Reads them all; the server does not start without them.
    fn read() -> Pages {
        let read = |name: &'static str| match fs::read(name) {
            Ok(bytes) => (name, Arc::from(bytes)),
            Err(e) => panic!("cannot read {name}: {e}"),
        };
        Pages(Arc::new(PAGE_FILES.into_iter().map(read).collect()))
    }

    /// The answer with the page `file_name`, one of [`PAGE_FILES`].
    fn get(&self, status: &'static str, extra: &'static str, file_name: &str) -> Page {
        Page {
            status,
            extra,
            content_type: "text/html; charset=utf-8".to_string(),
            body: Body::Bytes(Arc::clone(&self.0[file_name])),
        }
    }

    /// `503`: every worker is busy, the queue full, and no room came.
    fn busy(&self) -> Page {
        self.get("503 Service Unavailable", "Retry-After: 1\r\n", "503.html")
    }
}
// ANCHOR_END: pages

// ANCHOR: page
/// An answer: its status, the headers of its own, and its content.
struct Page {
    status: &'static str,
    extra: &'static str,
    content_type: String,
    body: Body,
}

/// The body of an answer.
enum Body {
    /// One of the server's own [`Pages`].
    Bytes(Arc<[u8]>),
    /// A file of [`ROOT`], opened, and sent as it is read.
    File { file: File, length: u64 },
}

impl Page {
    /// The head of the answer, up to and with its blank line.
    fn head(&self, stays_open: bool) -> String {
        let length = match &self.body {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { length, .. } => *length,
        };
        let date = httpdate::fmt_http_date(SystemTime::now());
        let connection = if stays_open {
            ""
        } else {
            "Connection: close\r\n"
        };
        format!(
            "HTTP/1.1 {}\r\nDate: {date}\r\nContent-Type: {}\r\nContent-Length: {length}\r\n\
             {connection}{}\r\n",
            self.status, self.content_type, self.extra
        )
    }

    /// Sends the whole answer on `stream`; only its head if `with_body` is
    /// false (for `HEAD`).
    async fn send(
        self,
        stream: &mut TcpStream,
        with_body: bool,
        stays_open: bool,
    ) -> io::Result<()> {
        let mut head = self.head(stays_open).into_bytes();
        match self.body {
            // A small answer leaves in one write.
            Body::Bytes(bytes) if with_body => {
                head.extend_from_slice(&bytes);
                stream.write_all(&head).await
            }
            Body::File { file, length } if with_body => {
                stream.write_all(&head).await?;
                // Tokio reads the file on its threads for blocking work.
                let mut file = tokio::fs::File::from_std(file).take(length);
                tokio::io::copy(&mut file, stream).await.map(|_| ())
            }
            _ => stream.write_all(&head).await,
        }
    }
}
// ANCHOR_END: page

// ANCHOR: close
/// Answers `page`, logs it, and closes the connection politely.
async fn answer_and_close(mut stream: TcpStream, page: Page, line: &Line, shared: &Shared) {
    let status = page.status;
    let sent = page.send(&mut stream, true, false).await;
    // No worker worked on it: its log line says `-`.
    shared.log.answered(line, status, "-");
    if sent.is_ok() {
        close_politely(stream).await;
    }
}

/// Tells the client that we send nothing more, and waits up to [`LINGER`]
/// for it to hang up, reading what it still sends (a body we did not
/// read): closed too early, the connection would be reset, and the client
/// might lose our answer (chapter 14).
async fn close_politely(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut chunk = vec![0; 16 * 1024];
    let _ = timeout(LINGER, async {
        while let Ok(1..) = stream.read(&mut chunk).await {}
    })
    .await;
}
// ANCHOR_END: close

/// The folder whose files the server serves.
const ROOT: &str = "pages";

/// The file under the root that the path of a request names, as a path
/// relative to the root; `None` if any part of it is not a plain name, once
/// decoded (chapter 17).
fn file_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut relative = PathBuf::new();
    for name in decoded.strip_prefix('/')?.split('/') {
        if !is_plain_name(name) {
            return None;
        }
        relative.push(name);
    }
    Some(relative)
}

/// Whether `name` is the plain name of a file or folder (chapter 17).
fn is_plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    !name.starts_with('.')
        && !name.contains(['\0', '\\', ':'])
        && matches!(
            (parts.next(), parts.next()),
            (Some(Component::Normal(_)), None)
        )
}

/// The answer for the file under `root` that `path` names, or `None` if
/// there is no such file that we serve.
fn file_page(root: &Path, path: &str) -> Option<Page> {
    let file_name = root.join(file_path(path)?);
    let real = fs::canonicalize(&file_name).ok()?;
    if !real.starts_with(fs::canonicalize(root).ok()?) {
        return None;
    }
    let file = File::open(&real).ok()?;
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() {
        return None;
    }
    Some(Page {
        status: "200 OK",
        extra: "X-Content-Type-Options: nosniff\r\n",
        content_type: content_type(&real),
        body: Body::File {
            file,
            length: metadata.len(),
        },
    })
}

/// The type of the file at `path`, by its extension; our text is UTF-8.
fn content_type(path: &Path) -> String {
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    if guess.type_() == mime_guess::mime::TEXT {
        format!("{guess}; charset=utf-8")
    } else {
        guess.to_string()
    }
}

// ANCHOR: log
/// What the server tells of its work, as chapter 20's: a line for each
/// answer, and its counts when it stops.
#[derive(Default)]
struct Log {
    accepted: AtomicUsize,
    served: AtomicUsize,
    rejected: AtomicUsize,
    timed_out: AtomicUsize,
    panicked: AtomicUsize,
}

impl Log {
    fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// Logs the answer to the request `line` describes, whose status is
    /// `status`, and which the thread `who` worked on; and counts it.
    fn answered(&self, line: &Line, status: &str, who: &str) {
        let code = status.split(' ').next().unwrap_or(status);
        println!(
            "{} {} {code} {}ms {who}",
            line.method,
            line.target,
            line.since.elapsed().as_millis(),
        );
        let counter = match code {
            "503" => &self.rejected,
            "408" => &self.timed_out,
            "500" => &self.panicked,
            _ => &self.served,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Display for Shared {
    /// The counts, one per line: `Accepted:  27`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let log = &self.log;
        let counts = [
            ("Accepted:", &log.accepted),
            ("Served:", &log.served),
            ("Rejected:", &log.rejected),
            ("Timed out:", &log.timed_out),
            ("Panicked:", &log.panicked),
        ];
        for (label, count) in counts {
            writeln!(f, "{label:<11}{}", count.load(Ordering::Relaxed))?;
        }
        Ok(())
    }
}

/// The request that an answer is for, as its log line names it.
struct Line {
    /// `GET`, or `-` if we do not know it.
    method: String,
    /// `/sleep`, or `-`.
    target: String,
    /// When the request began: its first byte.
    since: Instant,
}

impl Line {
    fn unknown(since: Instant) -> Line {
        Line {
            method: "-".to_string(),
            target: "-".to_string(),
            since,
        }
    }

    fn of(head: &[u8], since: Instant) -> Line {
        match request::parse(head) {
            Ok(request) => Line {
                method: request.method.to_string(),
                target: request.target.to_string(),
                since,
            },
            Err(_) => Line::unknown(since),
        }
    }
}
// ANCHOR_END: log
// ANCHOR_END: all

#[cfg(test)]
mod tests;
