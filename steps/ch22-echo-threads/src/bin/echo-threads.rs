//! One thread per connection, as in chapter 8: as many threads as clients.
use std::io::ErrorKind;
use std::thread;

fn main() {
    let options = echo::Options::from_args();
    let listener = echo::listen(options.addr).unwrap_or_else(|e| {
        eprintln!("error: cannot listen on {}: {e}", options.addr);
        std::process::exit(2);
    });
    echo::say_listening(&listener);
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let work = options.work;
                // A thread that cannot be started costs this one
                // connection, not the server.
                let started = thread::Builder::new().spawn(move || {
                    if let Err(e) = echo::serve_blocking(stream, work)
                        && e.kind() != ErrorKind::ConnectionReset
                    {
                        eprintln!("A connection failed: {e}");
                    }
                });
                if let Err(e) = started {
                    eprintln!("Starting a thread failed: {e}");
                }
            }
            Err(e) => eprintln!("Accepting a connection failed: {e}"),
        }
    }
}
