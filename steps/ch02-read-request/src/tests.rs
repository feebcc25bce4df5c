//! Chapter 2: the server reads the request head, then closes without answering.

use super::handle_connection;
use testkit::{get, send_and_hang_up, serve};

#[test]
fn reads_the_request_and_closes_without_an_answer() {
    let addr = serve(handle_connection);
    assert_eq!(get(addr, "/"), b"");
}

#[test]
fn a_client_that_hangs_up_early_does_no_harm_yet() {
    let addr = serve(handle_connection);
    // Half a line, then the client goes away.
    assert_eq!(send_and_hang_up(addr, b"GET /"), b"");
    // The server is still there for the next client.
    assert_eq!(get(addr, "/"), b"");
}
