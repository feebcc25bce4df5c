//! The client side of the claims: connections, requests and answers, with
//! deadlines, so that a server that never answers makes a claim fail instead
//! of hanging the check.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long we wait for anything that should happen at once.
///
/// Generous on purpose: a loaded machine must never make a correct server
/// look broken.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The request `curl http://127.0.0.1:7878{path}` sends (curl 7.88.1).
pub fn curl_request(path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:7878\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
    )
}

/// What came back for one request.
#[derive(Debug)]
pub enum Answer {
    /// The server closed the connection after sending these bytes (maybe none).
    Closed(Vec<u8>),
    /// The connection was reset or broken, after these bytes.
    Reset(Vec<u8>),
    /// The server sent these bytes, a whole answer by its `Content-Length`
    /// and without `Connection: close`, and kept the connection open for
    /// another request, as HTTP/1.1 allows (chapter 18).
    Kept(Vec<u8>),
    /// The connection was still open when we stopped waiting, after these bytes.
    StillOpen(Vec<u8>),
    /// We could not connect at all.
    CannotConnect(io::Error),
    /// Something else went wrong.
    Failed(io::Error),
}

impl Answer {
    /// The complete answer, if the server sent one and closed the
    /// connection, or sent a whole one and kept it open.
    pub fn complete(&self) -> Option<&[u8]> {
        match self {
            Answer::Closed(bytes) | Answer::Kept(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Whether the server sent the answer `expected` and closed the
    /// connection (see [`crate::same_answer`]), or sent it without its
    /// `Connection: close` and kept the connection open.
    pub fn is(&self, expected: &str) -> bool {
        match self {
            Answer::Closed(bytes) => crate::same_answer(bytes, expected),
            Answer::Kept(bytes) => crate::same_answer(bytes, &crate::kept_open(expected)),
            _ => false,
        }
    }

    /// True if the server sent nothing at all and ended the connection.
    pub fn is_silent_close(&self) -> bool {
        match self {
            Answer::Closed(bytes) | Answer::Reset(bytes) => bytes.is_empty(),
            _ => false,
        }
    }
}

/// Reads until the server closes the connection, or has sent a whole answer
/// and keeps the connection open ([`crate::kept_whole`]; `head_only` for the
/// answer to a `HEAD`), or `patience` is over.
fn read_answer(stream: &mut TcpStream, patience: Duration, head_only: bool) -> Answer {
    let deadline = Instant::now() + patience;
    let mut bytes = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Answer::StillOpen(bytes);
        }
        if let Err(e) = stream.set_read_timeout(Some(left)) {
            return Answer::Failed(e);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Answer::Closed(bytes),
            Ok(n) => {
                bytes.extend_from_slice(&chunk[..n]);
                if crate::kept_whole(&bytes, head_only) {
                    return Answer::Kept(bytes);
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Answer::StillOpen(bytes);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if is_reset(&e) => return Answer::Reset(bytes),
            Err(e) => return Answer::Failed(e),
        }
    }
}

/// Whether `e` says that the server reset the connection. `NotConnected`
/// too: hanging up our sending half (`shutdown`) of a connection that the
/// server has reset already fails with it (Linux: ENOTCONN).
fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionReset
            | ErrorKind::BrokenPipe
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
    )
}

/// Connects, sends `request` as one write, and reads the answer.
pub fn exchange(addr: SocketAddr, request: &[u8], patience: Duration) -> Answer {
    let mut stream = match TcpStream::connect(addr) {
        Ok(stream) => stream,
        Err(e) => return Answer::CannotConnect(e),
    };
    let head_only = request.starts_with(b"HEAD ");
    match stream.write_all(request) {
        Ok(()) => read_answer(&mut stream, patience, head_only),
        // The server closed before our request arrived: what did it send?
        Err(e) if is_reset(&e) => match read_answer(&mut stream, patience, head_only) {
            Answer::Closed(bytes) => Answer::Reset(bytes),
            other => other,
        },
        Err(e) => Answer::Failed(e),
    }
}

/// Connects, sends `bytes`, hangs up its sending half (as a client that gives
/// up mid-request does) and reads whatever the server still sends.
pub fn send_and_hang_up(addr: SocketAddr, bytes: &[u8], patience: Duration) -> Answer {
    let mut stream = match TcpStream::connect(addr) {
        Ok(stream) => stream,
        Err(e) => return Answer::CannotConnect(e),
    };
    if let Err(e) = stream
        .write_all(bytes)
        .and_then(|()| stream.shutdown(Shutdown::Write))
    {
        return if is_reset(&e) {
            Answer::Reset(Vec::new())
        } else {
            Answer::Failed(e)
        };
    }
    read_answer(&mut stream, patience, bytes.starts_with(b"HEAD "))
}

/// Connects, sends `bytes`, and hangs up at once with a reset (`RST`)
/// instead of the usual goodbye (`FIN`), as a browser tab that is closed
/// can. Waits for nothing: the server's next read or write on that
/// connection fails.
pub fn send_and_reset(addr: SocketAddr, bytes: &[u8]) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(bytes)?;
    reset(stream)
}

/// Closes `stream` with a reset (`RST`) instead of the usual goodbye (`FIN`).
pub fn reset(stream: TcpStream) -> io::Result<()> {
    // Closing with a linger time of zero sends a reset.
    socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
    drop(stream);
    Ok(())
}

/// A connection that stays open for one request after another (chapter
/// 18), whose answers are read one at a time.
pub struct Connection {
    stream: TcpStream,
    /// What the server sent that is not part of an answer read yet.
    received: Vec<u8>,
}

impl Connection {
    pub fn open(addr: SocketAddr) -> Result<Connection, Answer> {
        let stream = TcpStream::connect(addr).map_err(Answer::CannotConnect)?;
        Ok(Connection {
            stream,
            received: Vec::new(),
        })
    }

    /// Sends `bytes` as one write: a request, or several.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Closes the connection with a reset, whatever is still to come.
    pub fn reset(self) -> io::Result<()> {
        reset(self.stream)
    }

    /// The next answer, within `patience`: [`Answer::Kept`] with the bytes
    /// of that answer alone, if it does not say `Connection: close`; if it
    /// does, or if no whole answer comes, what [`exchange`] would say.
    pub fn next_answer(&mut self, patience: Duration, head_only: bool) -> Answer {
        let deadline = Instant::now() + patience;
        let mut chunk = [0; 4096];
        loop {
            match crate::first_answer(&self.received, head_only) {
                Some((length, false)) => {
                    let rest = self.received.split_off(length);
                    return Answer::Kept(std::mem::replace(&mut self.received, rest));
                }
                // The server says it closes: does it?
                Some((_, true)) => {}
                None => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Answer::StillOpen(std::mem::take(&mut self.received));
            }
            if let Err(e) = self.stream.set_read_timeout(Some(left)) {
                return Answer::Failed(e);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Answer::Closed(std::mem::take(&mut self.received)),
                Ok(n) => self.received.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if is_reset(&e) => {
                    return Answer::Reset(std::mem::take(&mut self.received));
                }
                Err(e) => return Answer::Failed(e),
            }
        }
    }
}

/// Connects only, and waits.
pub fn connect(addr: SocketAddr) -> Result<TcpStream, Answer> {
    TcpStream::connect(addr).map_err(Answer::CannotConnect)
}

/// Reads the answer on an open connection, for at most `patience`.
pub fn wait_for_answer(stream: &mut TcpStream, patience: Duration) -> Answer {
    read_answer(stream, patience, false)
}

/// A request that was sent and whose answer is read on another thread.
pub struct Pending {
    sent: Instant,
    answer: Receiver<(Answer, Instant)>,
    done: Option<(Answer, Duration)>,
}

impl Pending {
    /// Connects and sends `GET {path}` now, on this thread, so that requests
    /// started one after the other reach the server in that order.
    pub fn get(addr: SocketAddr, path: &str, patience: Duration) -> Pending {
        let sent = Instant::now();
        let (report, answer) = mpsc::channel();
        match TcpStream::connect(addr) {
            Err(e) => {
                let _ = report.send((Answer::CannotConnect(e), Instant::now()));
            }
            Ok(mut stream) => match stream.write_all(curl_request(path).as_bytes()) {
                Err(e) => {
                    let _ = report.send((Answer::Failed(e), Instant::now()));
                }
                Ok(()) => {
                    thread::spawn(move || {
                        let answer = read_answer(&mut stream, patience, false);
                        let _ = report.send((answer, Instant::now()));
                    });
                }
            },
        }
        Pending {
            sent,
            answer,
            done: None,
        }
    }

    /// The answer and how long it took, if it came before `deadline`.
    pub fn by(&mut self, deadline: Instant) -> Option<&(Answer, Duration)> {
        if self.done.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.answer.recv_timeout(left) {
                Ok((answer, at)) => self.done = Some((answer, at - self.sent)),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    self.done = Some((
                        Answer::Failed(io::Error::other("the client thread failed")),
                        self.sent.elapsed(),
                    ));
                }
            }
        }
        self.done.as_ref()
    }

    /// Waits for the answer, however long the read's patience allows.
    pub fn wait(mut self) -> (Answer, Duration) {
        self.by(Instant::now() + Duration::from_secs(24 * 3600));
        self.done.expect("the answer came")
    }
}

/// The head a [`Trickler`] sends, one byte at a time: a request line and a
/// header that never ends.
const TRICKLED: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:7878\r\nX-Trickle: ";

/// The byte a trickling client sends at `index`: the head of [`TRICKLED`],
/// then `a`s for ever, so that its request never ends.
fn trickled(index: usize) -> u8 {
    TRICKLED.get(index).copied().unwrap_or(b'a')
}

/// Connects, and sends a request one byte every `interval`, never finishing
/// it, until the server answers or closes, or `patience` is over: what came
/// back, and when.
pub fn trickle(addr: SocketAddr, interval: Duration, patience: Duration) -> (Answer, Duration) {
    let started = Instant::now();
    let mut stream = match TcpStream::connect(addr) {
        Ok(stream) => stream,
        Err(e) => return (Answer::CannotConnect(e), started.elapsed()),
    };
    let deadline = started + patience;
    for index in 0.. {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (Answer::StillOpen(Vec::new()), started.elapsed());
        }
        if stream.write_all(&[trickled(index)]).is_err() {
            // The server has closed: read what it sent before.
            break;
        }
        // Waits one interval for an answer; an answer ends the trickle.
        let mut first = [0; 1];
        if let Err(e) = stream.set_read_timeout(Some(interval.min(left))) {
            return (Answer::Failed(e), started.elapsed());
        }
        match stream.read(&mut first) {
            Ok(0) => return (Answer::Closed(Vec::new()), started.elapsed()),
            Ok(_) => {
                let at = started.elapsed();
                let answer = match read_answer(&mut stream, TIMEOUT, false) {
                    Answer::Closed(rest) => Answer::Closed([&first[..], &rest].concat()),
                    Answer::Kept(rest) => Answer::Kept([&first[..], &rest].concat()),
                    Answer::Reset(rest) => Answer::Reset([&first[..], &rest].concat()),
                    Answer::StillOpen(rest) => Answer::StillOpen([&first[..], &rest].concat()),
                    other => other,
                };
                return (answer, at);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if is_reset(&e) => return (Answer::Reset(Vec::new()), started.elapsed()),
            Err(e) => return (Answer::Failed(e), started.elapsed()),
        }
    }
    let answer = read_answer(&mut stream, TIMEOUT, false);
    (answer, started.elapsed())
}

/// Clients that send their requests one byte at a time, each on its own
/// connection, and never finish them: the slow clients of chapter 15. They
/// trickle on a thread of their own until the `Trickler` is dropped.
pub struct Trickler {
    stop: mpsc::Sender<()>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Trickler {
    /// Connects `count` clients to `addr`, and from then on sends one byte
    /// on each every `interval`. Returns once all are connected.
    pub fn start(addr: SocketAddr, count: usize, interval: Duration) -> io::Result<Trickler> {
        let mut streams = (0..count)
            .map(|_| TcpStream::connect(addr))
            .collect::<io::Result<Vec<_>>>()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            for index in 0.. {
                // A client whose write fails has been closed by the server:
                // it is dropped.
                streams.retain_mut(|stream| stream.write_all(&[trickled(index)]).is_ok());
                match stopped.recv_timeout(interval) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
            }
        });
        Ok(Trickler {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Trickler {
    /// Stops trickling, and closes the connections.
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
