//! One thread for every connection at once, with `select`: the sockets do
//! not block, and each turn of the loop asks the kernel which of them can
//! be read or written. `select` takes its sockets as a bit set of
//! `FD_SETSIZE` bits, 1,024 on Linux: a socket whose file descriptor is
//! 1,024 or more cannot be watched, and is closed at once.
// ANCHOR: use
use nix::sys::select::{FD_SETSIZE, FdSet, select};
use std::collections::BTreeMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, RawFd};
// ANCHOR_END: use

// ANCHOR: connection
/// What the loop keeps of one connection between two turns.
struct Connection {
    stream: TcpStream,
    /// Bytes read that are not a whole line yet.
    input: Vec<u8>,
    /// Bytes to send back that the socket did not take yet.
    output: Vec<u8>,
}
// ANCHOR_END: connection

impl Connection {
    // ANCHOR: on_ready
    /// Does what the socket is ready for, without waiting: reads once if it
    /// can be read, echoes each whole line, writes what the socket takes.
    /// `Ok(false)` when the connection is over.
    fn on_ready(&mut self, readable: bool, rounds: u32) -> io::Result<bool> {
        let mut hung_up = false;
        if readable {
            let mut chunk = [0; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => hung_up = true,
                Ok(read) => self.input.extend_from_slice(&chunk[..read]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
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
        Ok(too_long.is_ok() && !(hung_up && self.output.is_empty()))
    }
    // ANCHOR_END: on_ready
}

// ANCHOR: main
fn main() -> io::Result<()> {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    listener.set_nonblocking(true)?;
    let mut connections: BTreeMap<RawFd, Connection> = BTreeMap::new();
    // ANCHOR_END: main
    // ANCHOR: turn
    loop {
        // Which sockets to watch, rebuilt on every turn: `select` writes
        // its answer into the very sets it was given.
        let mut readable = FdSet::new();
        let mut writable = FdSet::new();
        readable.insert(listener.as_fd());
        for connection in connections.values() {
            readable.insert(connection.stream.as_fd());
            if !connection.output.is_empty() {
                writable.insert(connection.stream.as_fd());
            }
        }
        match select(None, &mut readable, &mut writable, None, None) {
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
        let can_accept = readable.contains(listener.as_fd());
        // The answer, as plain numbers: the sets borrow the sockets, and
        // the loop below changes the map that holds them.
        let ready: Vec<(RawFd, bool)> = connections
            .values()
            .filter_map(|c| {
                let fd = c.stream.as_fd();
                let (read, write) = (readable.contains(fd), writable.contains(fd));
                (read || write).then_some((fd.as_raw_fd(), read))
            })
            .collect();
        for (fd, can_read) in ready {
            let Some(connection) = connections.get_mut(&fd) else {
                continue;
            };
            match connection.on_ready(can_read, options.work) {
                Ok(true) => {}
                Ok(false) => {
                    connections.remove(&fd);
                }
                Err(e) => {
                    echo::log_failure(Err(e));
                    connections.remove(&fd);
                }
            }
        }
        if can_accept {
            accept_all(&listener, &mut connections);
        }
    }
    // ANCHOR_END: turn
}

// ANCHOR: accept_all
/// Takes every connection waiting in the listen queue. One whose file
/// descriptor does not fit in an `FdSet` is closed at once: `select` could
/// never say when it is ready.
fn accept_all(listener: &TcpListener, connections: &mut BTreeMap<RawFd, Connection>) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let fd = stream.as_raw_fd();
                if fd as usize >= FD_SETSIZE {
                    eprintln!(
                        "Closed a connection: its file descriptor, {fd}, is beyond what select can watch ({FD_SETSIZE})"
                    );
                    continue;
                }
                if let Err(e) = stream.set_nonblocking(true) {
                    eprintln!("A connection failed: {e}");
                    continue;
                }
                let connection = Connection {
                    stream,
                    input: Vec::new(),
                    output: Vec::new(),
                };
                connections.insert(fd, connection);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) => {
                // Too many open files, say: the connection waits in the
                // queue, and the next turn tries again.
                eprintln!("Accepting a connection failed: {e}");
                return;
            }
        }
    }
}
// ANCHOR_END: accept_all
