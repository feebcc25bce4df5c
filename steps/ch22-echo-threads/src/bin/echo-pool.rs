//! Part II's pool: `--threads` workers (four by default), each serving one
//! connection to its end; the other connections wait in the queue.
use ch11_b_ctrl_c::ThreadPool;

fn main() {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    let pool = ThreadPool::new(options.threads.unwrap_or(4));
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let work = options.work;
                pool.execute(move || {
                    echo::log_failure(echo::serve_blocking(stream, work));
                });
            }
            Err(e) => eprintln!("Accepting a connection failed: {e}"),
        }
    }
}
