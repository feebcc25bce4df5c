//! One event loop per core: as many threads as the machine has cores
//! (or `--threads`), each running chapter 24's loop with its own `Poll`
//! and its own listening socket, all on the same port (`SO_REUSEPORT`).
// ANCHOR: use
use std::net::TcpListener;
use std::thread;
// ANCHOR_END: use

// ANCHOR: main
fn main() {
    let options = echo::Options::from_args();
    echo::raise_open_files();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let loops = options.threads.unwrap_or(cores).max(1);
    let listeners = listen_on_one_port(options.addr, loops).unwrap_or_else(|e| {
        eprintln!("error: cannot listen on {}: {e}", options.addr);
        std::process::exit(2);
    });
    echo::say_listening(&listeners[0]);
    let mut running = Vec::new();
    for (number, listener) in listeners.into_iter().enumerate() {
        let work = options.work;
        let started = thread::Builder::new()
            .name(format!("loop-{number}"))
            .spawn(move || ch24_event_loop::serve(listener, work));
        match started {
            Ok(handle) => running.push(handle),
            Err(e) => eprintln!("Starting loop {number} failed: {e}"),
        }
    }
    for handle in running {
        match handle.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("A loop stopped: {e}"),
            Err(_) => eprintln!("A loop panicked"),
        }
    }
}
// ANCHOR_END: main

// ANCHOR: one_port
/// `count` sockets listening on the same port: the first one on `addr`
/// (port 0: one the system chooses), the others on the port it got.
fn listen_on_one_port(
    addr: std::net::SocketAddr,
    count: usize,
) -> std::io::Result<Vec<TcpListener>> {
    let first = echo::listen_shared(addr)?;
    let port = first.local_addr()?;
    let mut listeners = vec![first];
    for _ in 1..count {
        listeners.push(echo::listen_shared(port)?);
    }
    Ok(listeners)
}
// ANCHOR_END: one_port
