//! The report that chapter 27 shows (`ci/measure-web.sh`): what the text
//! says of it must still hold after a new run.

use testkit::web_results::{
    Row, assert_no_socket_errors_and_every_worker_alive, says_how_it_was_made,
};

static RESULTS: &str = include_str!("../results.txt");

fn row(server: &str, load: &str) -> Row {
    Row::of(RESULTS, server, load)
}

const SERVERS: [&str; 3] = ["nginx", "ch21-under-fire", "ch27-tokio-web"];

#[test]
fn the_report_says_where_and_how_it_was_made() {
    assert!(says_how_it_was_made(RESULTS), "{RESULTS}");
}

/// No server lost a connection, and every worker was alive after each load.
#[test]
fn no_socket_errors_and_every_worker_alive() {
    assert_no_socket_errors_and_every_worker_alive(RESULTS, &SERVERS);
}

/// Chapter 27: at fifty connections the server on Tokio answers at least as
/// many requests a second as nginx with two workers and keep-alive, all of
/// them with the page, on a thread per core and `main`'s.
#[test]
fn tokio_keeps_up_with_nginx() {
    let nginx = row("nginx", "-c50");
    let tokio = row("ch27-tokio-web", "-c50");
    assert_eq!(tokio.not_2xx, 0, "{tokio:?}");
    assert_eq!(nginx.not_2xx, 0, "{nginx:?}");
    assert!(
        tokio.ok_per_second >= nginx.ok_per_second,
        "{tokio:?} {nginx:?}"
    );
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
    assert_eq!(tokio.threads, cores + 1, "{tokio:?}");
    // Chapter 21's pool: behind both, with its eight threads.
    let pool = row("ch21-under-fire", "-c50");
    assert!(pool.ok_per_second < tokio.ok_per_second, "{pool:?}");
    assert!(pool.threads > tokio.threads, "{pool:?}");
}

/// At a thousand connections, chapter 21's reader holds 256 of them and
/// about a third of its answers are `503`s; on Tokio a few in a hundred
/// are; nginx, which has no limit, answers all.
#[test]
fn a_thousand_connections() {
    let pool = row("ch21-under-fire", "-c1000").turned_away_percent();
    assert!(
        (20.0..50.0).contains(&pool),
        "chapter 21: {pool:.1} % not 2xx"
    );
    let tokio = row("ch27-tokio-web", "-c1000").turned_away_percent();
    assert!(tokio < 10.0, "chapter 27: {tokio:.1} % not 2xx");
    assert_eq!(row("nginx", "-c1000").not_2xx, 0);
}
