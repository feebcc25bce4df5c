//! The measurement that chapter 20 shows (`ci/measure-logs.sh`): the text
//! says that the server's log and counts agree with each other, and with
//! what wrk saw. A new run must still show that.

const RESULTS: &str = include_str!("../results.txt");

/// The first number after `label` on the line that starts with it.
fn figure(label: &str) -> u64 {
    let line = RESULTS
        .lines()
        .map(str::trim_start)
        .find(|line| line.starts_with(label))
        .unwrap_or_else(|| panic!("results.txt has no line {label:?}"));
    line[label.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|word| !word.is_empty())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no number in: {line}"))
}

/// wrk's 50 connections may each have had an answer on its way when wrk
/// stopped counting: those the server counted, and wrk did not.
const IN_FLIGHT: u64 = 50;

#[test]
fn the_log_and_the_counts_agree() {
    let counted =
        figure("Served:") + figure("Rejected:") + figure("Timed out:") + figure("Panicked:");
    assert_eq!(figure("What the server saw:"), counted, "{RESULTS}");
}

#[test]
fn the_counts_agree_with_what_wrk_saw() {
    let answered = figure("Served:") + figure("Rejected:");
    let requests = figure("requests:");
    assert!(
        requests <= answered && answered <= requests + IN_FLIGHT,
        "{RESULTS}"
    );
    let rejected = figure("Rejected:");
    let not_2xx = figure("not 2xx:");
    assert!(
        not_2xx <= rejected && rejected <= not_2xx + IN_FLIGHT,
        "{RESULTS}"
    );
    assert!(RESULTS.contains("socket errors:   none"), "{RESULTS}");
    // The chapter says that a large share of wrk's requests were turned away.
    assert!(rejected * 10 >= requests, "{RESULTS}");
}

#[test]
fn the_run_names_its_date_command_and_machine() {
    for start in ["machine: ", "run:     ", "What wrk saw, from `wrk "] {
        assert!(
            RESULTS.lines().any(|line| line.starts_with(start)),
            "no line starts with {start:?}:\n{RESULTS}"
        );
    }
}
