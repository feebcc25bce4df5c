//! The report that chapter 28 shows (`SERVERS="ch27-tokio-web ch28-axum"
//! ci/measure-web.sh steps/ch28-axum/results.txt`): what the text says of it
//! must still hold after a new run.

use testkit::web_results::{
    Row, assert_no_socket_errors_and_every_worker_alive, says_how_it_was_made,
};

static RESULTS: &str = include_str!("../results.txt");

fn row(server: &str, load: &str) -> Row {
    Row::of(RESULTS, server, load)
}

#[test]
fn the_report_says_where_and_how_it_was_made() {
    assert!(says_how_it_was_made(RESULTS), "{RESULTS}");
}

/// No server lost a connection, and every worker was alive after each load.
#[test]
fn no_socket_errors_and_every_worker_alive() {
    assert_no_socket_errors_and_every_worker_alive(
        RESULTS,
        &["nginx", "ch27-tokio-web", "ch28-axum"],
    );
}

/// Chapter 28: the server on axum answers somewhat fewer requests a second
/// than chapter 27's (within a quarter), with as many threads, and turns some
/// away already at fifty connections, and most at a thousand: `load_shed`
/// says no the moment the queue is full. Chapter 27's server, which lets a
/// request wait for room, turns away none at fifty and few at a thousand.
#[test]
fn as_fast_but_quick_to_say_no() {
    let axum = row("ch28-axum", "-c50");
    let tokio = row("ch27-tokio-web", "-c50");
    assert!(
        axum.requests_per_second * 4 > tokio.requests_per_second * 3
            && axum.requests_per_second < tokio.requests_per_second,
        "{axum:?} {tokio:?}"
    );
    assert_eq!(axum.threads, tokio.threads, "{axum:?} {tokio:?}");
    assert_eq!(tokio.not_2xx, 0, "{tokio:?}");
    assert!(axum.not_2xx > 0, "{axum:?}");
    let at_a_thousand = row("ch28-axum", "-c1000").turned_away_percent();
    assert!(at_a_thousand > 50.0, "{at_a_thousand:.1} % not 2xx");
    let tokio_at_a_thousand = row("ch27-tokio-web", "-c1000").turned_away_percent();
    assert!(
        tokio_at_a_thousand < 10.0,
        "{tokio_at_a_thousand:.1} % not 2xx"
    );
}
