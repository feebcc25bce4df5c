//! One event loop, on one thread, for every connection at once.

// ANCHOR: main
fn main() -> std::io::Result<()> {
    let options = echo::Options::from_args();
    let listener = echo::listen_or_exit(&options);
    ch24_event_loop::serve(listener, options.work)
}
// ANCHOR_END: main
