//! The echo server on Tokio: a task per connection, instead of a thread
//! (chapter 22) or a state machine written by hand (chapter 24). Each
//! `.await` is where a task gives its thread back until its socket is
//! ready; the compiler turns `serve` into the state machine.
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: accept
/// Takes every connection that comes to `listener`, forever, and spawns a
/// task for each.
pub async fn accept_forever(listener: TcpListener, rounds: u32) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(async move {
                    echo::log_failure(serve(stream, rounds).await);
                });
            }
            Err(e) => {
                // Too many open files, say: wait a moment, not in a busy loop.
                eprintln!("Accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}
// ANCHOR_END: accept

// ANCHOR: serve
/// The blocking `serve_blocking` of chapter 22, with `.await` where it waited.
pub async fn serve(mut stream: TcpStream, rounds: u32) -> io::Result<()> {
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
// ANCHOR_END: serve
