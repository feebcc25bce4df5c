//! The measurement that chapter 19 shows (`ci/measure-stop.sh`): the text
//! says that chapter 18's server loses requests when it stops under load,
//! and that this chapter's loses none. A new run must still show that.

const RESULTS: &str = include_str!("../results.txt");

/// The figure in the column `lost` of the row of `server`.
fn lost(server: &str) -> u64 {
    let header = RESULTS
        .lines()
        .find(|line| line.starts_with("server "))
        .expect("results.txt has no header line");
    let column = header
        .split_whitespace()
        .position(|name| name == "lost")
        .expect("results.txt has no column `lost`");
    let row = RESULTS
        .lines()
        .find(|line| line.split_whitespace().next() == Some(server))
        .unwrap_or_else(|| panic!("results.txt has no row for {server}"));
    row.split_whitespace()
        .nth(column)
        .and_then(|figure| figure.parse().ok())
        .unwrap_or_else(|| panic!("no figure under `lost` in: {row}"))
}

#[test]
fn chapter_18s_server_loses_requests_and_this_one_none() {
    assert!(lost("ch18-b-hand-back") > 0, "{RESULTS}");
    assert_eq!(lost("ch19-stop-under-load"), 0, "{RESULTS}");
}

#[test]
fn the_run_names_its_date_command_and_machine() {
    for start in ["machine: ", "run:     ", "From `wrk "] {
        assert!(
            RESULTS.lines().any(|line| line.starts_with(start)),
            "no line starts with {start:?}:\n{RESULTS}"
        );
    }
}
