//! The echo protocol of Part IV, which every server of the part speaks and
//! `loadgen` measures: a client sends a line, a message ending in `\n`, and
//! the server sends the same line back, after doing the work that the
//! server was started with (none by default). Lines are at most
//! [`MAX_LINE`] bytes; the server closes a connection that sends a longer
//! one.
//!
//! The servers are the models of the benchmark that Part IV reproduces:
//! one thread, one thread per connection, a pool, `select`, an event loop,
//! one loop per core, Tokio. They share this crate so that they differ
//! only in how they wait for their clients.

use clap::Parser;
use socket2::{Domain, Socket, Type};
use std::hint::black_box;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

/// The longest line a server takes, its `\n` included.
pub const MAX_LINE: usize = 64 * 1024;

/// How long the listen queue is: long enough that a thousand or ten
/// thousand clients connecting at once are not dropped and retried a
/// second later (chapter 21), up to the system's cap, `net.core.somaxconn`.
pub const BACKLOG: i32 = 4096;

// ANCHOR: options
/// What every echo server takes on its command line.
#[derive(Parser, Debug, Clone)]
pub struct Options {
    /// Where to listen (loopback only: these servers are for measuring).
    #[arg(long, default_value = "127.0.0.1:7000")]
    pub addr: SocketAddr,
    /// Rounds of work for each line before it is sent back (0: none). A
    /// round is a few nanoseconds; 100000 is a fraction of a millisecond.
    #[arg(long, default_value_t = 0)]
    pub work: u32,
    /// Threads, for the servers that have a fixed number of them (the
    /// pool: 4; one loop per core: as many as the machine has cores).
    #[arg(long)]
    pub threads: Option<usize>,
}
// ANCHOR_END: options

impl Options {
    /// The options of this process, or its usage and exit status 2.
    pub fn from_args() -> Options {
        let options = Options::parse();
        if !options.addr.ip().is_loopback() {
            eprintln!("error: {} is not a loopback address", options.addr);
            std::process::exit(2);
        }
        options
    }
}

// ANCHOR: listen
/// A socket listening on `addr` with a listen queue of [`BACKLOG`], and
/// `SO_REUSEADDR`, so that a server can start again at once on the same
/// port.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}
// ANCHOR_END: listen

// ANCHOR: listen_shared
/// A socket listening on `addr` as [`listen`]'s, with `SO_REUSEPORT`:
/// several such sockets, of this process, can listen on the same port,
/// and the kernel gives each new connection to one of them.
pub fn listen_shared(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}
// ANCHOR_END: listen_shared

/// [`listen`] on `options.addr` and [`say_listening`]; if it cannot
/// listen, says why and exits with status 2.
pub fn listen_or_exit(options: &Options) -> TcpListener {
    raise_open_files();
    let listener = listen(options.addr).unwrap_or_else(|e| {
        eprintln!("error: cannot listen on {}: {e}", options.addr);
        std::process::exit(2);
    });
    say_listening(&listener);
    listener
}

/// Raises this process's limit of open files (each connection is one) to
/// the most the system allows, as `ulimit -n` would; says so on stderr if
/// that is still too few for ten thousand clients.
pub fn raise_open_files() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return;
    };
    let limit = if hard > soft && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        hard
    } else {
        soft
    };
    if limit < 10_100 {
        eprintln!(
            "Note: this process may open {limit} files at most (ulimit -Hn): fewer clients than 10,000"
        );
    }
}

/// What a server does with how a connection ended: a reset is the
/// client's affair; anything else gets a line on stderr.
pub fn log_failure(result: io::Result<()>) {
    match result {
        Err(e) if e.kind() != io::ErrorKind::ConnectionReset => {
            eprintln!("A connection failed: {e}");
        }
        _ => {}
    }
}

/// Prints `Listening on <address>`, the port that the system chose
/// included (`--addr 127.0.0.1:0`), which `loadgen` and the tests wait for.
pub fn say_listening(listener: &TcpListener) {
    match listener.local_addr() {
        Ok(addr) => println!("Listening on {addr}"),
        Err(e) => eprintln!("Listening, on an address I cannot tell: {e}"),
    }
}

// ANCHOR: work
/// The work one line costs: `rounds` rounds of a multiply-and-xor chain
/// over its bytes, which the compiler cannot leave out (`black_box`) or
/// cut short (each round needs the one before). Returns the result, which
/// the servers ignore.
pub fn work(line: &[u8], rounds: u32) -> u64 {
    let mut state = line.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    for round in 0..rounds {
        state = black_box(
            (state ^ u64::from(round))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29),
        );
    }
    state
}
// ANCHOR_END: work

// ANCHOR: take_lines
/// Splits the complete lines off the front of `buffer`: calls `each` with
/// every line, `\n` included, and keeps what is left of an incomplete one.
/// `Err` at the first line longer than [`MAX_LINE`], whole or not.
pub fn take_lines(buffer: &mut Vec<u8>, mut each: impl FnMut(&[u8])) -> Result<(), TooLong> {
    let mut start = 0;
    while let Some(end) = buffer[start..].iter().position(|&b| b == b'\n') {
        if end + 1 > MAX_LINE {
            return Err(TooLong);
        }
        each(&buffer[start..start + end + 1]);
        start += end + 1;
    }
    buffer.drain(..start);
    if buffer.len() > MAX_LINE {
        Err(TooLong)
    } else {
        Ok(())
    }
}
// ANCHOR_END: take_lines

// ANCHOR: serve_blocking
/// Serves one connection to its end, blocking: reads, sends back each
/// whole line after `rounds` of [`work`], until the client hangs up or
/// sends a line that is too long. The servers that give a connection a
/// thread of its own (one at a time, one per connection, a pool) call it.
pub fn serve_blocking(mut stream: TcpStream, rounds: u32) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0; 4096];
    let mut out = Vec::with_capacity(4096);
    loop {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
        let too_long = take_lines(&mut buffer, |line| {
            work(line, rounds);
            out.extend_from_slice(line);
        });
        stream.write_all(&out)?;
        out.clear();
        if too_long.is_err() {
            return Ok(());
        }
    }
}
// ANCHOR_END: serve_blocking

/// A line longer than [`MAX_LINE`].
#[derive(Debug)]
pub struct TooLong;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_whole_lines_and_keeps_the_rest() {
        let mut buffer = b"one\ntwo\nthr".to_vec();
        let mut lines = Vec::new();
        take_lines(&mut buffer, |line| lines.push(line.to_vec())).unwrap();
        assert_eq!(lines, [b"one\n".to_vec(), b"two\n".to_vec()]);
        assert_eq!(buffer, b"thr");
    }

    #[test]
    fn refuses_a_line_that_is_too_long() {
        let mut buffer = vec![b'x'; MAX_LINE + 1];
        assert!(take_lines(&mut buffer, |_| {}).is_err());
    }

    /// A server that reads all there is before it looks for lines (the
    /// event loops) may find a whole line that is too long.
    #[test]
    fn refuses_a_whole_line_that_is_too_long() {
        let mut buffer = b"short\n".to_vec();
        buffer.extend(vec![b'x'; MAX_LINE]);
        buffer.extend(b"\nnext\n");
        let mut lines = Vec::new();
        assert!(take_lines(&mut buffer, |line| lines.push(line.to_vec())).is_err());
        assert_eq!(lines, [b"short\n".to_vec()]);
    }

    #[test]
    fn takes_a_line_of_max_line_bytes() {
        let mut buffer = vec![b'x'; MAX_LINE - 1];
        buffer.push(b'\n');
        let mut count = 0;
        take_lines(&mut buffer, |_| count += 1).unwrap();
        assert_eq!((count, buffer.len()), (1, 0));
    }

    #[test]
    fn work_depends_on_every_round() {
        assert_ne!(work(b"a\n", 1000), work(b"a\n", 1001));
        assert_ne!(work(b"a\n", 1000), work(b"b\n", 1000));
        assert_eq!(work(b"a\n", 0), work(b"a\n", 0));
    }
}
