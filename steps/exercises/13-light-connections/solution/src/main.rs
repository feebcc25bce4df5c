//! Exercise 13, solved: chapter 26's echo server on Tokio, whose waiting
//! connections keep only what they have read: no array across an `.await`,
//! and no buffer asked for before a byte comes.
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

// ANCHOR: serve
/// Echoes every line of one connection, after `rounds` of work on each.
/// Across its `.await`s it keeps the stream, `rounds` and two `Vec`s, which
/// own no memory while the connection waits for its next line.
async fn serve(mut stream: TcpStream, rounds: u32) -> io::Result<()> {
    let mut buffer = Vec::new();
    let mut out = Vec::new();
    loop {
        // Wait until the socket has bytes, without a place to put them yet.
        stream.readable().await?;
        // `read_buf` reads into the spare capacity of `buffer`, which it
        // grows as needed: no array of our own.
        if stream.read_buf(&mut buffer).await? == 0 {
            return Ok(());
        }
        let too_long = echo::take_lines(&mut buffer, |line| {
            echo::work(line, rounds);
            out.extend_from_slice(line);
        });
        stream.write_all(&out).await?;
        if too_long.is_err() {
            return Ok(());
        }
        // Give the memory back before the next wait: `clear` would keep it.
        out = Vec::new();
        if buffer.is_empty() {
            buffer = Vec::new();
        }
    }
}
// ANCHOR_END: serve
