//! Chapter 10, the version we do not want: a worker holds the lock while its
//! job runs, so the other workers cannot take the next job.

use super::{SLEEP, serve};
use testkit::{HELLO_HTML, assert_bytes, page_response, spawn_server, start_get};

#[test]
fn a_fast_request_waits_although_three_threads_are_idle() {
    let addr = spawn_server(serve);
    let slow = [start_get(addr, "/sleep"), start_get(addr, "/sleep")];
    let fast = start_get(addr, "/");

    let (response, fast_took) = fast.wait();
    assert_bytes(&response, &page_response("HTTP/1.1 200 OK", HELLO_HTML));
    // The first `/sleep` holds the lock, then the second: `/` waits for both.
    assert!(
        fast_took >= SLEEP * 18 / 10,
        "`/` took {fast_took:?}: the lock should have made it wait for two sleeps"
    );
    for request in slow {
        request.wait();
    }
}
