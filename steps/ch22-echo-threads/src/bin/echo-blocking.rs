//! One thread, one client at a time: the next client waits until the one
//! before has hung up.

fn main() {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                echo::log_failure(echo::serve_blocking(stream, options.work));
            }
            Err(e) => eprintln!("Accepting a connection failed: {e}"),
        }
    }
}
