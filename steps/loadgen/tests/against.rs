//! The load generator against small servers of the test's own, on
//! loopback: a good echo server passes; servers that hang up, answer wrong
//! or say nothing fail, each for its own cause; the report adds up.

use loadgen::{Cause, Report, Scenario};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// A server on a port of its own that gives each connection a thread
/// running `serve`.
fn spawn(serve: fn(TcpStream)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream));
        }
    });
    addr
}

/// Echoes every byte, in the chunks it reads them.
fn echo(mut stream: TcpStream) {
    let mut chunk = [0; 4096];
    while let Ok(read @ 1..) = stream.read(&mut chunk) {
        if stream.write_all(&chunk[..read]).is_err() {
            return;
        }
    }
}

fn scenario(addr: SocketAddr) -> Scenario {
    Scenario {
        addr,
        clients: 50,
        messages: 20,
        size: 64,
        timeout: Duration::from_secs(2),
        limit: Duration::from_secs(20),
        threads: 2,
    }
}

fn run(scenario: &Scenario) -> Report {
    loadgen::run(scenario, |_| {}).unwrap()
}

#[test]
fn a_good_server_gets_every_line_back() {
    let report = run(&scenario(spawn(echo)));
    assert!(report.complete(), "{report}");
    assert_eq!(report.round_trips, 50 * 20, "{report}");
    assert_eq!(report.connected, 50, "{report}");
    assert_eq!(report.echo_latency.len(), 50 * 20);
    assert!(report.to_string().contains("errors:  none"), "{report}");
}

#[test]
fn a_server_that_hangs_up_after_five_lines_fails_every_client() {
    fn five_then_close(mut stream: TcpStream) {
        let mut line = [0; 64];
        for _ in 0..5 {
            if stream.read_exact(&mut line).is_err() || stream.write_all(&line).is_err() {
                return;
            }
        }
    }
    let report = run(&scenario(spawn(five_then_close)));
    assert!(!report.complete(), "{report}");
    assert_eq!(report.round_trips, 50 * 5, "{report}");
    let failed: usize = report.failures.values().sum();
    assert_eq!(failed, 50, "{report}");
    // Closed, or reset if the line after the fifth came before the close.
    assert!(
        report
            .failures
            .keys()
            .all(|cause| matches!(cause, Cause::Closed | Cause::Reset)),
        "{report}"
    );
}

#[test]
fn a_server_that_answers_wrong_is_caught() {
    fn shouting(mut stream: TcpStream) {
        let mut line = [0; 64];
        while stream.read_exact(&mut line).is_ok() {
            line.make_ascii_uppercase();
            if stream.write_all(&line).is_err() {
                return;
            }
        }
    }
    let report = run(&scenario(spawn(shouting)));
    assert_eq!(
        report.failures.get(&Cause::WrongEcho),
        Some(&50),
        "{report}"
    );
    assert_eq!(report.round_trips, 0, "{report}");
}

#[test]
fn a_silent_server_times_out() {
    fn silent(mut stream: TcpStream) {
        let mut sink = [0; 4096];
        while let Ok(1..) = stream.read(&mut sink) {}
    }
    let mut scenario = scenario(spawn(silent));
    scenario.clients = 5;
    scenario.timeout = Duration::from_millis(300);
    let report = run(&scenario);
    assert_eq!(
        report.failures.get(&Cause::EchoTimeout),
        Some(&5),
        "{report}"
    );
}

#[test]
fn nothing_listening_is_refused() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let mut scenario = scenario(addr);
    scenario.clients = 3;
    let report = run(&scenario);
    assert_eq!(report.failures.get(&Cause::Refused), Some(&3), "{report}");
    assert_eq!(report.connected, 0);
}

#[test]
fn only_loopback() {
    let mut scenario = scenario("192.0.2.1:7000".parse().unwrap());
    scenario.clients = 1;
    assert!(loadgen::run(&scenario, |_| {}).is_err());
}

#[test]
fn a_run_is_bounded_in_time() {
    fn slow(mut stream: TcpStream) {
        let mut line = [0; 64];
        while stream.read_exact(&mut line).is_ok() {
            thread::sleep(Duration::from_millis(200));
            if stream.write_all(&line).is_err() {
                return;
            }
        }
    }
    let mut scenario = scenario(spawn(slow));
    scenario.clients = 4;
    scenario.messages = 100;
    scenario.limit = Duration::from_secs(1);
    let started = std::time::Instant::now();
    let report = run(&scenario);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.failures.get(&Cause::CutOff), Some(&4), "{report}");
    // Latencies of a fifth of a second are recorded as they are.
    assert!(
        report.echo_latency.value_at_quantile(0.5) >= 190_000,
        "{report}"
    );
    // What they did before counts: about five lines each in a second.
    assert!((8..=24).contains(&report.round_trips), "{report}");
}
