//! Chapter 10, the version we do not want: a worker holds the lock while its
//! job runs, so the other workers cannot take the next job.

use super::{SLEEP, serve};
use testkit::{spawn_server, time_root_behind_sleeps};

#[test]
fn a_fast_request_waits_although_three_threads_are_idle() {
    let addr = spawn_server(serve);
    // The first `/sleep` holds the lock, then the second: `/` waits for both.
    let took = time_root_behind_sleeps(addr, 2);
    assert!(
        took >= SLEEP * 18 / 10,
        "`/` took {took:?}: the lock should have made it wait for two sleeps"
    );
}
