//! Each of chapter 22's echo servers, as `loadgen` runs it: every client
//! gets every line back, with work on each line and without.

#[test]
fn one_thread_echoes_every_line() {
    loadgen::smoke(env!("CARGO_BIN_EXE_echo-blocking")).unwrap();
}

#[test]
fn a_thread_per_connection_echoes_every_line() {
    loadgen::smoke(env!("CARGO_BIN_EXE_echo-threads")).unwrap();
}

#[test]
fn a_pool_echoes_every_line() {
    loadgen::smoke(env!("CARGO_BIN_EXE_echo-pool")).unwrap();
}

/// The servers take loopback addresses only.
#[test]
fn refuses_an_address_that_is_not_loopback() {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_echo-threads"))
        .args(["--addr", "0.0.0.0:0"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
