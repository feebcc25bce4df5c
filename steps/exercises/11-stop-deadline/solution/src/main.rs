//! Exercise 11, solved: chapter 19's server gives up on the requests still
//! at the pool eight seconds after the first signal, and says how many it
//! abandoned.

use std::fs::{self, File};
use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::iter;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SendError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use ch19_stop_under_load::ThreadPool;
use ch19_stop_under_load::request::{self, Refusal, Request};
use percent_encoding::percent_decode_str;

/// How many requests are answered at once.
const WORKERS: usize = 4;
/// How many requests may wait for a worker; the next ones are answered
/// `503 Service Unavailable` at once.
const QUEUE: usize = 16;

/// How long a client has to send the head of its request: the request line
/// and the headers, up to the blank line.
const HEAD_TIME: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};
/// How many bytes the head of a request may have.
const MAX_HEAD: usize = 8 * 1024;
/// How many connections the reader reads heads from at once.
const READING: usize = 256;
/// How many accepted connections may wait for the reader to take them.
const ARRIVING: usize = 16;

/// How long a connection may stay silent between two requests before we
/// close it.
const IDLE_TIME: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};
/// How many requests one connection may send; the answer to the last one
/// closes it.
const MAX_REQUESTS: usize = 100;

/// Once the server stops: how long a connection that has sent nothing of a
/// request yet still has to send one, before we close it.
const LAST_CALL: Duration = if cfg!(test) {
    Duration::from_millis(250)
} else {
    Duration::from_secs(1)
};
/// How many connections we take from the listen queue, at most, once the
/// server stops: a flood that goes on connecting cannot hold up the stop.
const LISTEN_QUEUE: usize = 1024;

// ANCHOR: stop_time
/// Once the server stops: how long it waits for the requests at the pool,
/// at most, before it gives up on them. Longer than a `/sleep`, and shorter
/// than the ten seconds that `docker stop` gives before its `SIGKILL`.
const STOP_TIME: Duration = Duration::from_secs(8);
// ANCHOR_END: stop_time

fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    let addr = listener.local_addr().unwrap();
    println!("Listening on http://{addr}");

    // ANCHOR: main
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopping);
    // The requests at the pool: the reader counts them, the deadline reads
    // the count.
    let out = Out::default();
    let at_pool = out.clone();
    ctrlc::set_handler(move || {
        // `swap` sets the flag and tells us whether it was set already.
        if flag.swap(true, Ordering::SeqCst) {
            println!("Stopping at once.");
            // 130 = 128 + 2, the number of SIGINT: what shells report for a
            // program that Ctrl-C ended.
            std::process::exit(130);
        }
        println!("Stopping: finishing the requests in progress (Ctrl-C again stops at once).");
        // On a thread of its own: the handler must return at once, or it
        // would not hear the second signal.
        let at_pool = at_pool.clone();
        thread::spawn(move || give_up_after(STOP_TIME, &at_pool));
        // The main thread waits in `incoming` for the next connection. We
        // make one, so that it wakes up and sees the flag.
        let _ = TcpStream::connect(addr);
    })
    .expect("cannot install the Ctrl-C handler");

    serve(listener, &stopping, out);
    println!("Goodbye.");
}

/// Waits `time`, then ends the process with status 1, saying how many
/// requests it abandons: those still at the pool. If the server has
/// stopped by then, the process has ended already, and this thread with it.
fn give_up_after(time: Duration, at_pool: &Out) {
    thread::sleep(time);
    let abandoned = at_pool.count();
    let word = if abandoned == 1 {
        "request"
    } else {
        "requests"
    };
    println!("Gave up after {time:?}: abandoned {abandoned} {word}.");
    std::process::exit(1);
}
// ANCHOR_END: main

/// Answers the connections that arrive on `listener` until `stopping` is
/// set: a reader thread reads their heads, a pool of [`WORKERS`] threads
/// answers them. `out` counts the requests at the pool.
fn serve(listener: TcpListener, stopping: &Arc<AtomicBool>, out: Out) {
    let reader = Reader::start(Answers::read(), Closer::start(), Arc::clone(stopping), out);

    for stream in listener.incoming() {
        match stream {
            Ok(stream) => reader.take(stream),
            Err(e) => {
                // Most often: the process has no file descriptor left for
                // the new connection (EMFILE). The client stays in the
                // listen queue; we try again a little later.
                eprintln!("Accepting a connection failed: {e}");
                thread::sleep(Duration::from_millis(100));
            }
        }
        // Checked after the connection is handed on, not before: whoever
        // we accepted gets an answer, even a client that came just after
        // Ctrl-C, before our own wake-up connection.
        if stopping.load(Ordering::SeqCst) {
            break;
        }
    }

    // The clients in the listen queue have connected: the kernel accepted
    // them for us. Closing the port would reset their connections; we take
    // them first. Then the reader answers every connection it has, and
    // ends once none is left, at the reader or at the pool.
    take_listen_queue(&listener, &reader);
    drop(listener);
    reader.finish();
}

/// Hands the connections that wait in the listen queue of `listener` to the
/// reader, without waiting for more.
fn take_listen_queue(listener: &TcpListener, reader: &Reader) {
    if let Err(e) = listener.set_nonblocking(true) {
        eprintln!("Cannot take the listen queue: {e}");
        return;
    }
    for _ in 0..LISTEN_QUEUE {
        match listener.accept() {
            Ok((stream, _)) => reader.take(stream),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // `WouldBlock`: the queue is empty. Or no file descriptor is
            // left: those that remain are reset.
            Err(_) => return,
        }
    }
}

/// The pages for the clients that the reader answers itself, read once at start.
struct Answers {
    /// `503`: every worker is busy and the queue is full.
    busy: Page,
    /// `408`: the head did not arrive within [`HEAD_TIME`].
    timeout: Page,
    /// `414`: the request line alone is longer than [`MAX_HEAD`].
    line_too_long: Page,
    /// `431`: the head is longer than [`MAX_HEAD`].
    head_too_large: Page,
}

impl Answers {
    fn read() -> Answers {
        Answers {
            busy: Page::must_read("503 Service Unavailable", "Retry-After: 1\r\n", "503.html"),
            timeout: Page::must_read("408 Request Timeout", "", "408.html"),
            line_too_long: Page::must_read("414 URI Too Long", "", "414.html"),
            head_too_large: Page::must_read("431 Request Header Fields Too Large", "", "431.html"),
        }
    }
}

/// An answer: its status, the headers of its own, and its content.
struct Page {
    /// `200 OK`, `404 Not Found`…
    status: &'static str,
    /// Headers besides those that every answer has, each ending in `\r\n`.
    extra: &'static str,
    /// What the body is: `text/html; charset=utf-8`, `image/x-icon`…
    content_type: String,
    body: Body,
}

/// The body of an answer.
enum Body {
    /// A page of the server's own, read whole: they are small.
    Bytes(Vec<u8>),
    /// A file of [`ROOT`], opened, and sent as it is read: it may be big.
    File { file: File, length: u64 },
}

impl Page {
    /// One of the server's own HTML pages, in `steps/`.
    fn read(status: &'static str, extra: &'static str, file_name: &str) -> io::Result<Page> {
        Ok(Page {
            status,
            extra,
            content_type: "text/html; charset=utf-8".to_string(),
            body: Body::Bytes(fs::read(file_name)?),
        })
    }

    /// For the pages that the server cannot do without: it does not start
    /// without them.
    fn must_read(status: &'static str, extra: &'static str, file_name: &str) -> Page {
        Page::read(status, extra, file_name)
            .unwrap_or_else(|e| panic!("cannot read {file_name}: {e}"))
    }

    /// The head of the answer, up to and with its blank line. Unless the
    /// connection stays open (`stays_open`), it says that it closes.
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

    /// Sends the whole answer on `out`; only its head if `with_body` is
    /// false (for `HEAD`).
    fn send(&self, out: impl Write, with_body: bool, stays_open: bool) -> io::Result<()> {
        // Whatever the writes below, a small answer leaves in one piece.
        let mut out = BufWriter::new(out);
        out.write_all(self.head(stays_open).as_bytes())?;
        if with_body {
            match &self.body {
                Body::Bytes(bytes) => out.write_all(bytes)?,
                // `take`: never more than `Content-Length` said, even if
                // the file grew since we looked.
                Body::File { file, length } => {
                    io::copy(&mut file.take(*length), &mut out)?;
                }
            }
        }
        out.flush()
    }
}

/// The thread that reads the heads of requests, from many connections at
/// once, and hands each whole head to the pool. The workers give it back
/// the connections that stay open.
struct Reader {
    sender: mpsc::SyncSender<ToReader>,
    thread: JoinHandle<()>,
}

/// What reaches the reader.
enum ToReader {
    /// A connection the server has just accepted.
    New(TcpStream),
    /// A connection that stays open after its answer, given back by a
    /// worker: what it received after the head of that request (maybe the
    /// next request), and how many requests it has had.
    Back(TcpStream, Vec<u8>, usize),
    /// The server stops: no new connection comes.
    Stop,
}

impl Reader {
    fn start(answers: Answers, closer: Closer, stopping: Arc<AtomicBool>, out: Out) -> Reader {
        let (sender, receiver) = mpsc::sync_channel(ARRIVING);
        let workers = Workers {
            pool: ThreadPool::new(WORKERS, QUEUE),
            out,
            stopping,
            back: GiveBack(sender.clone()),
        };
        let thread = thread::spawn(move || {
            read_heads(&receiver, &workers, &answers, &closer);
            // No connection is left at the pool: its workers stop at once.
            drop(workers);
        });
        Reader { sender, thread }
    }

    /// Hands `stream` to the reader. Waits while [`ARRIVING`] connections
    /// wait for it already: never long, since the reader never waits for a
    /// client, and takes every waiting connection each time it looks.
    fn take(&self, stream: TcpStream) {
        // Fails only if the reader has stopped, and then `stream` is closed.
        let _ = self.sender.send(ToReader::New(stream));
    }

    /// Tells the reader that no more connections come, and waits until it
    /// has answered those it has.
    fn finish(self) {
        let _ = self.sender.send(ToReader::Stop);
        self.thread.join().expect("the reader panicked");
    }
}

/// The pool that the reader hands requests to, and what their jobs need.
struct Workers {
    pool: ThreadPool,
    /// How many connections are at the pool: in its queue, or being answered.
    out: Out,
    /// Set once the server stops: answers say `Connection: close` from then on.
    stopping: Arc<AtomicBool>,
    back: GiveBack,
}

// ANCHOR: out
/// Counts the connections at the pool. The reader waits until none is
/// left before it stops: a worker may still give one back. A clone counts
/// the same connections.
#[derive(Clone, Default)]
struct Out(Arc<AtomicUsize>);

impl Out {
    /// Counts one more connection; it counts until `OneOut` is dropped.
    fn one_more(&self) -> OneOut {
        self.0.fetch_add(1, Ordering::SeqCst);
        OneOut(Arc::clone(&self.0))
    }

    fn none(&self) -> bool {
        self.count() == 0
    }

    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
// ANCHOR_END: out

/// One connection at the pool. Its job owns it, so it is dropped when the
/// job ends, however it ends: given back, closed, turned down by a full
/// queue, or in a panic.
struct OneOut(Arc<AtomicUsize>);

impl Drop for OneOut {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a worker gives the connections back to the reader with.
#[derive(Clone)]
struct GiveBack(mpsc::SyncSender<ToReader>);

impl GiveBack {
    /// Gives `stream` (non-blocking) back to the reader, with what it
    /// `received` after the last head, and its `count` of requests. Waits
    /// while [`ARRIVING`] connections wait for the reader already: never
    /// long, as for new connections.
    fn give(&self, stream: TcpStream, received: Vec<u8>, count: usize, closer: &Closer) {
        // Fails only if the reader has stopped.
        if let Err(SendError(ToReader::Back(stream, ..))) =
            self.0.send(ToReader::Back(stream, received, count))
        {
            close_quietly(stream, closer);
        }
    }
}

/// Ends a connection between two requests: no answer, and the closer reads
/// what the client may still send.
fn close_quietly(stream: TcpStream, closer: &Closer) {
    let _ = stream.shutdown(Shutdown::Write);
    closer.close(stream);
}

/// A connection whose head we are reading.
struct Incoming {
    stream: TcpStream,
    /// What the client has sent so far: the head, once it is whole, and
    /// maybe the start of the next request.
    received: Vec<u8>,
    /// How many requests the connection has had before this one.
    count: usize,
    /// When its time is up: [`IDLE_TIME`] after the last answer, until the
    /// next request starts; then [`HEAD_TIME`] for its head.
    deadline: Instant,
    /// Once the server stops: when its [`LAST_CALL`] ends, if it has sent
    /// nothing of a request by then.
    last_call: Option<Instant>,
}

/// How far a connection's head has come.
enum Progress {
    /// Not whole yet: we read again later.
    Reading,
    /// Whole: the head is there, this long, up to and with its blank line.
    Done(usize),
    /// Longer than [`MAX_HEAD`].
    TooLarge,
    /// The client hung up, or the connection failed.
    Gone,
}

impl Incoming {
    /// A connection just accepted.
    fn new(stream: TcpStream) -> io::Result<Incoming> {
        // A read that would wait fails with `WouldBlock` instead.
        stream.set_nonblocking(true)?;
        Ok(Incoming {
            stream,
            received: Vec::new(),
            count: 0,
            deadline: Instant::now() + HEAD_TIME,
            last_call: None,
        })
    }

    /// A connection given back by a worker (non-blocking already).
    fn back(stream: TcpStream, received: Vec<u8>, count: usize) -> Incoming {
        let time = if received.is_empty() {
            IDLE_TIME
        } else {
            HEAD_TIME
        };
        Incoming {
            stream,
            received,
            count,
            deadline: Instant::now() + time,
            last_call: None,
        }
    }

    /// Whether the connection waits for its next request, of which nothing
    /// has come yet.
    fn is_idle(&self) -> bool {
        self.count > 0 && self.received.is_empty()
    }

    /// Whether the connection has sent nothing of a request: new and
    /// silent so far, or idle.
    fn has_sent_nothing(&self) -> bool {
        self.received.is_empty()
    }

    /// Whether it is time to close the connection: it has sent nothing,
    /// and the server has stopped, and its last call is over.
    fn last_call_over(&self, now: Instant) -> bool {
        self.has_sent_nothing() && self.last_call.is_some_and(|end| now >= end)
    }

    /// Reads what the client has sent, without ever waiting.
    fn read_more(&mut self) -> Progress {
        let mut buffer = [0; 1024];
        loop {
            match head_end(&self.received) {
                // What comes after the head may be the next request: the
                // worker gives it back with the connection.
                Some(end) if end <= MAX_HEAD => return Progress::Done(end),
                Some(_) => return Progress::TooLarge,
                None if self.received.len() > MAX_HEAD => return Progress::TooLarge,
                None => {} // not whole yet: read on
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => return Progress::Gone,
                Ok(n) => {
                    if self.is_idle() {
                        // The next request starts: it has the time of a head.
                        self.deadline = Instant::now() + HEAD_TIME;
                    }
                    self.received.extend_from_slice(&buffer[..n]);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Progress::Reading,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return Progress::Gone,
            }
        }
    }
}

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

/// How often the reader looks at the connections it reads from, when no
/// new connection wakes it up first.
const TICK: Duration = Duration::from_millis(10);

fn read_heads(
    receiver: &mpsc::Receiver<ToReader>,
    workers: &Workers,
    answers: &Answers,
    closer: &Closer,
) {
    let mut reading: Vec<Incoming> = Vec::new();
    let mut accepting = true;
    loop {
        // Looked at before we take what arrived: if no connection is at the
        // pool now, those given back are all among what we take.
        let none_out = workers.out.none();
        take_arrivals(
            receiver,
            &mut reading,
            &mut accepting,
            &answers.busy,
            closer,
        );

        let now = Instant::now();
        if !accepting {
            // The server stops: a connection that has sent nothing yet has
            // its last call, once, from the first time we see it now.
            for incoming in &mut reading {
                incoming.last_call.get_or_insert(now + LAST_CALL);
            }
        }
        let mut i = 0;
        while i < reading.len() {
            let progress = reading[i].read_more();
            let waited_enough = now >= reading[i].deadline || reading[i].last_call_over(now);
            if matches!(progress, Progress::Reading) && !waited_enough {
                i += 1;
                continue;
            }
            // This connection leaves the reader; the last one takes its place.
            let incoming = reading.swap_remove(i);
            match progress {
                Progress::Done(end) => admit(incoming, end, workers, &answers.busy, closer),
                // Idle, or silent once the server stops: no answer.
                Progress::Reading
                    if incoming.is_idle() || !accepting && incoming.has_sent_nothing() =>
                {
                    close_quietly(incoming.stream, closer);
                }
                Progress::Reading => {
                    eprintln!("Timed out: no whole request within {HEAD_TIME:?}.");
                    answer_and_close(incoming.stream, &answers.timeout, closer);
                }
                Progress::TooLarge if request_line_too_long(&incoming.received) => {
                    answer_and_close(incoming.stream, &answers.line_too_long, closer);
                }
                Progress::TooLarge => {
                    answer_and_close(incoming.stream, &answers.head_too_large, closer);
                }
                Progress::Gone => {} // the connection is dropped, and closed.
            }
        }

        // Done once the server stops and no connection is left: none here,
        // none at the pool, and none given back that we have not taken.
        if !accepting && reading.is_empty() && none_out && workers.out.none() {
            return;
        }
    }
}

/// Takes the connections that arrived into `reading`: new ones, and those
/// that workers gave back; turns new ones away if it holds [`READING`]
/// already. Waits for the first one as long as it takes if there is
/// nothing else to do, and one tick at most if there is. Once the server
/// stops, sets `accepting` to false.
fn take_arrivals(
    receiver: &mpsc::Receiver<ToReader>,
    reading: &mut Vec<Incoming>,
    accepting: &mut bool,
    busy: &Page,
    closer: &Closer,
) {
    let first = if reading.is_empty() && *accepting {
        receiver.recv().map_err(|_| RecvTimeoutError::Disconnected)
    } else {
        receiver.recv_timeout(TICK)
    };
    let first = match first {
        Ok(arrival) => arrival,
        Err(RecvTimeoutError::Timeout) => return,
        // Cannot happen: the reader holds a sender of its own.
        Err(RecvTimeoutError::Disconnected) => {
            *accepting = false;
            return;
        }
    };
    // The first, and then those that are waiting already.
    for arrival in iter::once(first).chain(receiver.try_iter().take(ARRIVING)) {
        match arrival {
            ToReader::Stop => *accepting = false,
            ToReader::Back(stream, received, count) => {
                reading.push(Incoming::back(stream, received, count));
            }
            ToReader::New(stream) if reading.len() >= READING => {
                eprintln!("Turned a client away: the reader is full.");
                answer_and_close(stream, busy, closer);
            }
            ToReader::New(stream) => match Incoming::new(stream) {
                Ok(incoming) => reading.push(incoming),
                Err(e) => eprintln!("Reading a request failed: {e}"),
            },
        }
    }
}

/// Hands the connection of `incoming`, whose head is `end` bytes long, to
/// the pool, or, if its queue is full, answers `503` at once.
fn admit(incoming: Incoming, end: usize, workers: &Workers, busy: &Page, closer: &Closer) {
    let Incoming {
        stream,
        received,
        count,
        ..
    } = incoming;
    // The job owns `stream`; if the pool turns the job down, the job and
    // `stream` are gone. So we keep a second handle on the same connection.
    let spare = match stream.try_clone() {
        Ok(spare) => spare,
        Err(e) => {
            eprintln!("Answering a connection failed: {e}");
            return;
        }
    };
    let (job_closer, job_back) = (closer.clone(), workers.back.clone());
    let stopping = Arc::clone(&workers.stopping);
    let one_out = workers.out.one_more();
    let job = move || {
        // Dropped last, once the connection is given back or closed.
        let _one_out = one_out;
        // A client that breaks off costs only its own connection.
        let answered = handle_request(
            stream,
            received,
            end,
            count,
            &stopping,
            &job_closer,
            &job_back,
        );
        if let Err(e) = answered {
            eprintln!("Request failed: {e}");
        }
    };
    match workers.pool.try_execute(job) {
        Ok(()) => {} // `spare` is dropped; the worker's `stream` stays open.
        Err(full) => {
            eprintln!("Turned a client away: {full}.");
            answer_and_close(spare, busy, closer);
        }
    }
}

/// Answers `answer` on `stream`, without ever making the caller wait, and
/// hands the connection to the closer.
fn answer_and_close(stream: TcpStream, page: &Page, closer: &Closer) {
    // A write that cannot go out at once fails, instead of blocking.
    let written = stream
        .set_nonblocking(true)
        .and_then(|()| page.send(&stream, true, false));
    if let Err(e) = written {
        eprintln!("Answering a connection failed: {e}");
        return;
    }
    // We send nothing more: the client reads the answer, then the end.
    let _ = stream.shutdown(Shutdown::Write);
    closer.close(stream);
}

/// How long the closer waits for a client that we answered to hang up.
const LINGER: Duration = Duration::from_secs(1);
/// How many connections the closer holds at most.
const CLOSING: usize = 16;

/// A thread that closes answered connections only once their client has
/// hung up, or after [`LINGER`] (chapter 14). The workers hand it their
/// connections too.
#[derive(Clone)]
struct Closer {
    sender: mpsc::SyncSender<TcpStream>,
}

impl Closer {
    fn start() -> Closer {
        let (sender, receiver) = mpsc::sync_channel(CLOSING);
        thread::spawn(move || close_politely(&receiver));
        Closer { sender }
    }

    /// Hands `stream` (non-blocking, answered) to the closer. If its hands
    /// are full, `stream` is closed now.
    fn close(&self, stream: TcpStream) {
        let _ = self.sender.try_send(stream);
    }
}

fn close_politely(receiver: &mpsc::Receiver<TcpStream>) {
    let mut closing: Vec<(TcpStream, Instant)> = Vec::new();
    loop {
        if closing.is_empty() {
            // Nothing to look after: wait for the next connection.
            let Ok(stream) = receiver.recv() else {
                return; // the server has stopped
            };
            closing.push((stream, Instant::now() + LINGER));
        }
        while let Ok(stream) = receiver.try_recv() {
            if closing.len() < CLOSING {
                closing.push((stream, Instant::now() + LINGER));
            } // else `stream` is dropped here, and closed.
        }
        let now = Instant::now();
        // Keeps the connections that are still open and whose time is not
        // up; the others are dropped, and closed.
        closing.retain_mut(|(stream, until)| now < *until && still_open(stream));
        thread::sleep(TICK);
    }
}

/// Reads and throws away what the client sent; returns whether the client
/// is still connected.
fn still_open(stream: &mut TcpStream) -> bool {
    let mut buffer = [0; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return false, // the client hung up
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
}

/// How long a request for `/sleep` takes. The tests only need it to be much
/// slower than the other requests, and do not wait five seconds each time.
const SLEEP: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};

/// Answers the request whose head is the first `end` bytes of `received`,
/// the connection's request number `count + 1`. Then gives the connection
/// back to the reader if it stays open, or hands it to `closer`. An error
/// in writing (a client that reset the connection) ends the connection, and
/// is returned.
fn handle_request(
    stream: TcpStream,
    mut received: Vec<u8>,
    end: usize,
    count: usize,
    stopping: &AtomicBool,
    closer: &Closer,
    back: &GiveBack,
) -> io::Result<()> {
    // The reader made the stream non-blocking; the worker may wait.
    stream.set_nonblocking(false)?;
    // The head leaves `received`; what follows it stays, for the reader.
    let head: Vec<u8> = received.drain(..end).collect();
    let count = count + 1;
    // Once the server stops, the connection closes after this answer,
    // unless the client has sent more already (pipelining): we answer that
    // too, and close after it.
    let must_close = || stopping.load(Ordering::SeqCst) && received.is_empty();
    let stays_open = answer(&stream, &head, count < MAX_REQUESTS, must_close)?;
    stream.set_nonblocking(true)?;
    if stays_open {
        back.give(stream, received, count, closer);
    } else {
        // As in chapter 16: the closer reads a body we did not read.
        close_quietly(stream, closer);
    }
    Ok(())
}

/// Answers the request whose `head` is given. Returns whether the
/// connection stays open for another request, which it may only if
/// `may_stay_open`, and if `must_close` says no once the page is ready.
fn answer(
    stream: &TcpStream,
    head: &[u8],
    may_stay_open: bool,
    must_close: impl Fn() -> bool,
) -> io::Result<bool> {
    let (page, with_body, wants_open) = match request::parse(head) {
        Ok(request) => (
            route(&request)?,
            request.method != "HEAD",
            may_stay_open && stays_open(&request),
        ),
        Err(refusal) => {
            eprintln!("Refused a request: {refusal}.");
            (refusal_page(refusal)?, true, false)
        }
    };
    // Asked now that the page is ready, after `/sleep` has slept: an answer
    // that leaves once the server stops says that it closes.
    let stays_open = wants_open && !must_close();
    page.send(stream, with_body, stays_open)?;
    Ok(stays_open)
}

/// Whether the connection may stay open after the answer to `request`: it
/// is HTTP/1.1 (HTTP/1.0 closes by default), does not ask us to close, and
/// has no body, which we do not read: the next request would start
/// somewhere inside it.
fn stays_open(request: &Request) -> bool {
    let mut asks_to_close = false;
    let mut has_body = false;
    for header in &request.headers {
        if header.name.eq_ignore_ascii_case("Connection") {
            // A list of options: `Connection: keep-alive, close`.
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

/// The methods that HTTP defines (RFC 9110, section 9, and `PATCH`, RFC
/// 5789). Of these we answer two; the others get `405`, with the two in
/// `Allow`. A method we do not know at all gets `501`.
const KNOWN_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];
const ALLOW: &str = "Allow: GET, HEAD\r\n";

/// The page for a request that the parser took.
fn route(request: &Request) -> io::Result<Page> {
    let (status, extra, file_name) = match (request.method, request.path()) {
        ("GET" | "HEAD", "/") => ("200 OK", "", "hello.html"),
        ("GET" | "HEAD", "/sleep") => {
            // Stands in for slow work: a big query, a slow disk, another server.
            thread::sleep(SLEEP);
            ("200 OK", "", "hello.html")
        }
        ("GET" | "HEAD", path) => match file_page(Path::new(ROOT), path) {
            Some(page) => return Ok(page),
            None => ("404 Not Found", "", "404.html"),
        },
        (method, _) if KNOWN_METHODS.contains(&method) => {
            ("405 Method Not Allowed", ALLOW, "405.html")
        }
        _ => ("501 Not Implemented", ALLOW, "501.html"),
    };
    Page::read(status, extra, file_name)
}

/// The page for a request that the parser refused.
fn refusal_page(refusal: Refusal) -> io::Result<Page> {
    match refusal {
        Refusal::Malformed(_) => Page::read("400 Bad Request", "", "400.html"),
        Refusal::Version => Page::read("505 HTTP Version Not Supported", "", "505.html"),
        Refusal::TooManyHeaders => {
            Page::read("431 Request Header Fields Too Large", "", "431.html")
        }
    }
}

/// The folder whose files the server serves: `/about.html` is
/// `pages/about.html`, and `/notes/today.txt` is `pages/notes/today.txt`.
const ROOT: &str = "pages";

/// The file under the root that the path of a request names, as a path
/// relative to the root: `notes/today.txt` for `/notes/today.txt`. `None`
/// if any part of it is not a plain name, once decoded.
fn file_path(path: &str) -> Option<PathBuf> {
    // `%2e%2e` is `..` and `%2f` is `/`: decode first, then look.
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

/// Whether `name` is the plain name of a file or folder: not empty (`//`),
/// not `.` or `..`, not hidden (`.git`), without a NUL, a `\` (which
/// Windows takes for a `/`) or a `:` (`C:` is a drive on Windows), and one
/// normal part of a path, in the eyes of `Path` too.
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
    // A link under the root may lead anywhere: what it leads to must be
    // under the root too.
    let real = fs::canonicalize(&file_name).ok()?;
    if !real.starts_with(fs::canonicalize(root).ok()?) {
        return None;
    }
    let file = File::open(&real).ok()?;
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() {
        return None; // a folder
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
