//! The echo server of this step, as `loadgen` runs it: every client gets
//! every line back, with work on each line and without.

#[test]
fn echoes_every_line_to_many_clients() {
    loadgen::smoke(env!("CARGO_BIN_EXE_echo-tokio")).unwrap();
}

/// What lives across an `.await` lives in the future that `serve` returns:
/// the 4 KiB `chunk` array among it, so the future is larger than that.
#[test]
fn the_future_holds_what_lives_across_an_await() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        let future = ch26_tokio::serve(stream, 0);
        let size = std::mem::size_of_val(&future);
        assert!(size > 4096, "the future of serve is {size} bytes");
        eprintln!("The future of serve is {size} bytes.");
    });
}
