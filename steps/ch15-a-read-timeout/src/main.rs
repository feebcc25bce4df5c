// ANCHOR: all
use std::fs;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use ch15_a_read_timeout::ThreadPool;

/// How many requests are answered at once.
const WORKERS: usize = 4;
/// How many accepted connections may wait for a worker; the next ones are
/// answered `503 Service Unavailable` at once.
const QUEUE: usize = 16;

fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    let addr = listener.local_addr().unwrap();
    println!("Listening on http://{addr}");

    let stopping = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopping);
    ctrlc::set_handler(move || {
        // `swap` sets the flag and tells us whether it was set already.
        if flag.swap(true, Ordering::SeqCst) {
            println!("Stopping at once.");
            // 130 = 128 + 2, the number of SIGINT: what shells report for a
            // program that Ctrl-C ended.
            std::process::exit(130);
        }
        println!("Stopping: finishing the requests in progress (Ctrl-C again stops at once).");
        // The main thread waits in `incoming` for the next connection. We
        // make one, so that it wakes up and sees the flag.
        let _ = TcpStream::connect(addr);
    })
    .expect("cannot install the Ctrl-C handler");

    serve(listener, &stopping);
    println!("Goodbye.");
}

/// Answers the connections that arrive on `listener` with a pool of
/// [`WORKERS`] threads, until `stopping` is set.
fn serve(listener: TcpListener, stopping: &AtomicBool) {
    let pool = ThreadPool::new(WORKERS, QUEUE);
    let busy = busy_response();
    let closer = Closer::start();

    for stream in listener.incoming() {
        match stream {
            Ok(stream) => admit(stream, &pool, &busy, &closer),
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

    // Close the port first, then drop the pool, which waits for the
    // requests in progress and in the queue.
    drop(listener);
}

/// Hands `stream` to the pool, or, if its queue is full, answers `503` at once.
fn admit(stream: TcpStream, pool: &ThreadPool, busy: &str, closer: &Closer) {
    // The job owns `stream`; if the pool turns the job down, the job and
    // `stream` are gone. So we keep a second handle on the same connection.
    let spare = match stream.try_clone() {
        Ok(spare) => spare,
        Err(e) => {
            // No file descriptor for the copy: close the connection, and
            // give the connections we hold time to close.
            eprintln!("Answering a connection failed: {e}");
            thread::sleep(Duration::from_millis(100));
            return;
        }
    };
    let job = move || {
        // A client that breaks off costs only its own connection.
        if let Err(e) = handle_connection(stream) {
            eprintln!("Request failed: {e}");
        }
    };
    match pool.try_execute(job) {
        Ok(()) => {} // `spare` is dropped; the worker's `stream` stays open.
        Err(full) => {
            eprintln!("Turned a client away: {full}.");
            turn_away(spare, busy, closer);
        }
    }
}

/// The whole answer for a client that we cannot serve now, read once at start.
fn busy_response() -> String {
    let body = fs::read_to_string("503.html").expect("cannot read 503.html");
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Answers `busy` on `stream`, without ever making the acceptor wait.
fn turn_away(mut stream: TcpStream, busy: &str, closer: &Closer) {
    // A write that cannot go out at once fails, instead of blocking.
    let written = stream
        .set_nonblocking(true)
        .and_then(|()| stream.write_all(busy.as_bytes()));
    if let Err(e) = written {
        eprintln!("Answering a connection failed: {e}");
        return;
    }
    // We send nothing more: the client reads the answer, then the end.
    let _ = stream.shutdown(Shutdown::Write);
    closer.close(stream);
}

/// How long the closer waits for a turned-away client to hang up.
const LINGER: Duration = Duration::from_secs(1);
/// How many connections the closer holds at most.
const CLOSING: usize = 16;
/// How often the closer looks at the connections it holds.
const TICK: Duration = Duration::from_millis(10);

/// A thread that closes turned-away connections only once their client
/// has hung up, or after [`LINGER`]: closing a connection with a request
/// still unread in it makes the system send a reset, which can destroy our
/// answer before the client has read it.
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

// ANCHOR: head_time
/// How long a worker waits for the client to send more of its request.
const HEAD_TIME: Duration = if cfg!(test) {
    Duration::from_secs(1)
} else {
    Duration::from_secs(5)
};
// ANCHOR_END: head_time

// ANCHOR: handle_connection
/// Answers one request. An error in reading or writing (a client that reset
/// the connection, or sent bytes that are not UTF-8) ends the connection, and
/// is handed back to the caller.
fn handle_connection(mut stream: TcpStream) -> io::Result<()> {
    // A read that waits longer than this fails, instead of waiting for ever.
    stream.set_read_timeout(Some(HEAD_TIME))?;
    let reader = BufReader::new(&stream);
    let request_line = match reader.lines().next() {
        // A client may hang up without sending a line: our own wake-up
        // connection does, and so do the spare connections of browsers.
        None => return Ok(()),
        // The client sent nothing for `HEAD_TIME`.
        Some(Err(e)) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            eprintln!("Timed out: nothing new for {HEAD_TIME:?}.");
            return time_out(&stream);
        }
        // A line that is not UTF-8, or a reset connection, is an error.
        Some(line) => line?,
    };
    // ANCHOR_END: handle_connection

    let (status_line, file_name) = match request_line.as_str() {
        "GET / HTTP/1.1" => ("HTTP/1.1 200 OK", "hello.html"),
        "GET /sleep HTTP/1.1" => {
            // Stands in for slow work: a big query, a slow disk, another server.
            thread::sleep(SLEEP);
            ("HTTP/1.1 200 OK", "hello.html")
        }
        _ => ("HTTP/1.1 404 Not Found", "404.html"),
    };

    let body = fs::read_to_string(file_name)?;
    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes())?;
    Ok(())
}

// ANCHOR: time_out
/// Answers `408 Request Timeout`: the client was too slow.
fn time_out(mut stream: &TcpStream) -> io::Result<()> {
    let body = fs::read_to_string("408.html")?;
    let response = format!(
        "HTTP/1.1 408 Request Timeout\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes())
}
// ANCHOR_END: time_out
// ANCHOR_END: all

#[cfg(test)]
mod tests;
