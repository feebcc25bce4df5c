//! The echo server of this step, as `loadgen` runs it: every client gets
//! every line back, with work on each line and without.

#[test]
fn echoes_every_line_to_many_clients() {
    loadgen::smoke(env!("CARGO_BIN_EXE_echo-tokio")).unwrap();
}
