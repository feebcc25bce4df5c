//! Chapter 3: every request gets the same tiny, successful response.

use super::handle_connection;
use check::{Target, claims};
use testkit::serve;

#[test]
fn answers_every_path_with_a_bare_status_line() {
    let addr = serve(handle_connection);
    claims::BARE_STATUS_LINE.assert_holds(&Target::new(addr));
}
