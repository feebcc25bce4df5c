//! A task per connection on Tokio's runtime, with `--threads` threads (by
//! default, as many as the machine has cores) for all of them.

// ANCHOR: main
fn main() -> std::io::Result<()> {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    listener.set_nonblocking(true)?;
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = options.threads {
        builder.worker_threads(threads.max(1));
    }
    let runtime = builder.enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        ch26_tokio::accept_forever(listener, options.work).await;
        Ok(())
    })
}
// ANCHOR_END: main
