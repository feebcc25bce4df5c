//! A task per connection on Tokio's runtime, `--threads` threads (four by
//! default) for all of them. Each `.await` is where a task gives its
//! thread back until its socket is ready.
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn main() -> io::Result<()> {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::from_std(listener)?;
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(async move {
                        echo::log_failure(serve(stream, options.work).await);
                    });
                }
                Err(e) => {
                    // Too many open files, say: wait a moment, not in a busy loop.
                    eprintln!("Accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    })
}

/// The blocking `serve_blocking` of chapter 22, with `.await` where it waited.
async fn serve(mut stream: TcpStream, rounds: u32) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0; 4096];
    let mut out = Vec::with_capacity(4096);
    loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
        let too_long = echo::take_lines(&mut buffer, |line| {
            echo::work(line, rounds);
            out.extend_from_slice(line);
        });
        stream.write_all(&out).await?;
        out.clear();
        if too_long.is_err() {
            return Ok(());
        }
    }
}
