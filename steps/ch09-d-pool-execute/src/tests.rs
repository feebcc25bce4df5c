//! Chapter 9: the interface compiles, but the pool runs nothing yet.

use super::serve;
use check::{Target, claims};
use testkit::spawn_server;

#[test]
fn compiles_but_answers_nothing_yet() {
    let addr = spawn_server(serve);
    // `execute` drops the job, and the stream it owns: the connection closes.
    claims::POOL_RUNS_NOTHING.assert_holds(&Target::new(addr));
}

#[test]
#[should_panic(expected = "at least one thread")]
fn a_pool_of_zero_threads_is_refused() {
    ch09_d_pool_execute::ThreadPool::new(0);
}
