//! Chapter 8: `cargo run -p ch08-thread-per-connection` on 127.0.0.1:7878
//! does what `cargo run -p check -- ch08` checks, and the first limit it runs
//! into ends it.

use testkit::{Binary, check_binary, on_own_loopback};

const SERVER: &str = env!("CARGO_BIN_EXE_ch08-thread-per-connection");

#[test]
fn passes_chapter_8s_check() {
    check_binary(SERVER, 8, &[]);
}

#[test]
fn fails_chapter_9s_check_since_it_answers() {
    // Chapter 9's pool runs nothing yet; this step still answers.
    check_binary(SERVER, 9, &["pool-runs-nothing"]);
}

#[test]
fn fails_chapter_10s_check_since_it_has_no_limit() {
    check_binary(SERVER, 10, &["four-at-a-time"]);
}

/// Every open connection holds a file descriptor. Once the process has as
/// many as its limit allows, `accept` fails, and its `unwrap` ends the server
/// on the main thread. (The limit is often 1,024; this test sets 64.)
#[cfg(unix)]
#[test]
fn running_out_of_open_files_ends_the_server() {
    on_own_loopback(|| {
        let mut server = Binary::start_with_open_file_limit(SERVER, 64);
        // Idle clients, each keeping its connection (and its thread) open;
        // once the server has ended, the next connection is refused.
        let idle: Vec<_> = (0..100)
            .map_while(|_| std::net::TcpStream::connect(server.addr()).ok())
            .collect();
        assert!(idle.len() > 32, "only {} connections", idle.len());
        let (status, stderr) = server.wait_for_exit();
        assert!(!status.success(), "the server should have stopped");
        assert!(
            stderr.contains("Too many open files"),
            "unexpected stderr: {stderr}"
        );
    });
}
