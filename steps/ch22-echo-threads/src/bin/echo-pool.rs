//! Part II's pool: `--threads` workers (four by default), each serving one
//! connection to its end; the other connections wait in the queue.
use ch11_b_ctrl_c::ThreadPool;
use std::io::ErrorKind;

fn main() {
    let options = echo::Options::from_args();
    let listener = echo::listen(options.addr).unwrap_or_else(|e| {
        eprintln!("error: cannot listen on {}: {e}", options.addr);
        std::process::exit(2);
    });
    echo::say_listening(&listener);
    let pool = ThreadPool::new(options.threads);
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let work = options.work;
                pool.execute(move || {
                    if let Err(e) = echo::serve_blocking(stream, work)
                        && e.kind() != ErrorKind::ConnectionReset
                    {
                        eprintln!("A connection failed: {e}");
                    }
                });
            }
            Err(e) => eprintln!("Accepting a connection failed: {e}"),
        }
    }
}
