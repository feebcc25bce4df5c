//! One thread, one client at a time: the next client waits until the one
//! before has hung up.
use std::io::ErrorKind;

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
                if let Err(e) = echo::serve_blocking(stream, options.work)
                    && e.kind() != ErrorKind::ConnectionReset
                {
                    eprintln!("A connection failed: {e}");
                }
            }
            Err(e) => eprintln!("Accepting a connection failed: {e}"),
        }
    }
}
