//! An event loop: one thread for every connection at once. The sockets do
//! not block, and `poll` (epoll on Linux, through mio) says which of them
//! can be read or written. Each connection is a small state machine: what
//! it has read of a line, and what it still has to write. Chapter 24's
//! server runs one loop; chapter 25's runs one on each core.
// ANCHOR: use
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token};
use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
// ANCHOR_END: use

// ANCHOR: connection
/// The token of the listening socket; connections count from 1.
const LISTENER: Token = Token(0);

/// What the loop keeps of one connection between two events.
struct Connection {
    stream: TcpStream,
    /// Bytes read that are not a whole line yet.
    input: Vec<u8>,
    /// Bytes to send back that the socket did not take yet.
    output: Vec<u8>,
    /// Whether it is registered for writing too.
    writing: bool,
}

/// What became of a connection after an event.
enum State {
    Open,
    Done,
}
// ANCHOR_END: connection

impl Connection {
    // ANCHOR: on_event
    /// Reads what there is, echoes each whole line, writes what the socket
    /// takes; all without waiting.
    fn on_event(&mut self, registry: &Registry, token: Token, rounds: u32) -> io::Result<State> {
        let mut chunk = [0; 4096];
        let mut hung_up = false;
        // Readiness is edge-triggered: read until the socket has nothing more.
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    hung_up = true;
                    break;
                }
                Ok(read) => self.input.extend_from_slice(&chunk[..read]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        let output = &mut self.output;
        let too_long = echo::take_lines(&mut self.input, |line| {
            echo::work(line, rounds);
            output.extend_from_slice(line);
        });
        while !self.output.is_empty() {
            match self.stream.write(&self.output) {
                Ok(written) => {
                    self.output.drain(..written);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        if too_long.is_err() || (hung_up && self.output.is_empty()) {
            return Ok(State::Done);
        }
        // Ask to hear when the socket can take more, only while it has to.
        let writing = !self.output.is_empty();
        if writing != self.writing {
            let interest = if writing {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            registry.reregister(&mut self.stream, token, interest)?;
            self.writing = writing;
        }
        Ok(State::Open)
    }
    // ANCHOR_END: on_event
}

// ANCHOR: serve
/// Serves every connection that comes to `listener`, forever, doing
/// `rounds` of work for each line. Several loops may share one listener.
pub fn serve(listener: std::net::TcpListener, rounds: u32) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut events = Events::with_capacity(1024);
    let mut connections: HashMap<Token, Connection> = HashMap::new();
    let mut next = 1;
    loop {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for event in events.iter() {
            if event.token() == LISTENER {
                // Take every connection that is waiting.
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let token = Token(next);
                            next += 1;
                            poll.registry()
                                .register(&mut stream, token, Interest::READABLE)?;
                            let connection = Connection {
                                stream,
                                input: Vec::new(),
                                output: Vec::new(),
                                writing: false,
                            };
                            connections.insert(token, connection);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => {
                            // Too many open files, say: the connection waits
                            // in the queue, and the next event tries again.
                            eprintln!("Accepting a connection failed: {e}");
                            break;
                        }
                    }
                }
                continue;
            }
            let token = event.token();
            let Some(connection) = connections.get_mut(&token) else {
                continue;
            };
            match connection.on_event(poll.registry(), token, rounds) {
                Ok(State::Open) => {}
                Ok(State::Done) => {
                    connections.remove(&token);
                }
                Err(e) => {
                    if e.kind() != ErrorKind::ConnectionReset {
                        eprintln!("A connection failed: {e}");
                    }
                    connections.remove(&token);
                }
            }
        }
    }
}
// ANCHOR_END: serve
