//! Chapter 21, in small: `cargo run -p hostile` against the binary for a
//! few seconds, as `ci/measure-reliability.sh` runs it for sixty. Every
//! attempt of every kind gets what it expects, and every worker is alive
//! afterwards.
#![cfg(target_os = "linux")]

use std::time::Duration;
use testkit::{Binary, on_own_loopback};

const SERVER: &str = env!("CARGO_BIN_EXE_ch21-under-fire");

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
