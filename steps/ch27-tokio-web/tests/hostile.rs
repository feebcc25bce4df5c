//! Chapter 27: `cargo run -p hostile` against the binary for a few seconds,
//! as chapter 21 fires at its server. Every attempt of every kind gets what
//! it expects, four sleeps still run side by side, and SIGTERM ends it.
#![cfg(target_os = "linux")]

use std::time::Duration;
use testkit::{Binary, on_own_loopback};

const SERVER: &str = env!("CARGO_BIN_EXE_ch27-tokio-web");

#[test]
fn holds_under_fire() {
    on_own_loopback(|| {
        // As in a reader's terminal: no backtrace after each panic.
        let mut server = Binary::start_with(SERVER, |command| {
            command.env("RUST_BACKTRACE", "0");
        });
        let config = hostile::Config {
            addr: testkit::BOOK_ADDR.parse().unwrap(),
            duration: Duration::from_secs(3),
            head_time: Duration::from_secs(5),
            sleep: Duration::from_secs(5),
        };
        let report = hostile::run(&config, |_| {});
        assert!(report.passed(), "{}", report.render());
        // Every kind had its turn.
        assert!(report.tried() > 1000, "{}", report.render());
        server.signal("TERM");
        let (status, _) = server.wait_for_exit();
        assert!(status.success(), "exit status {status}");
    });
}
