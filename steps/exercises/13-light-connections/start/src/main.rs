//! Chapter 26's echo server on Tokio: a task per connection. Each waiting
//! connection costs some twelve kibibytes. Make it cost less than two:
//! see the exercise in the book, and `cargo test -p ex13-light-connections`.
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn main() -> io::Result<()> {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::from_std(listener)?;
        accept_forever(listener, options.work).await;
        Ok(())
    })
}

/// Takes every connection that comes to `listener`, forever, and spawns a
/// task for each.
async fn accept_forever(listener: TcpListener, rounds: u32) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(async move {
                    echo::log_failure(serve(stream, rounds).await);
                });
            }
            Err(e) => {
                eprintln!("Accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// Echoes every line of one connection, after `rounds` of work on each.
// TODO: what lives across an `.await` is what a waiting connection costs.
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
