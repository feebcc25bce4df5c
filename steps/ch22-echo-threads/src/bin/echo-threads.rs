//! One thread per connection, as in chapter 8: as many threads as clients.
use std::thread;

fn main() {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let work = options.work;
                // A thread that cannot be started costs this one
                // connection, not the server.
                let started = thread::Builder::new().spawn(move || {
                    echo::log_failure(echo::serve_blocking(stream, work));
                });
                if let Err(e) = started {
                    eprintln!("Starting a thread failed: {e}");
                }
            }
            Err(e) => eprintln!("Accepting a connection failed: {e}"),
        }
    }
}
