//! `book-tools test-side-by-side`: runs the test binaries of a workspace as
//! `cargo test` does, but several at once.
//!
//! Most of the steps' tests wait: for `/sleep`, for a time limit, for a
//! server to stop. `cargo test` runs one test binary after the other, so the
//! waits add up (about 150 s on two cores, nearly all of it idle). The
//! binaries do not share any state (each server listens on a port of its
//! own, or on a loopback of its own), so they can run side by side.
//!
//! Each binary runs from its package's directory, as `cargo test` runs it,
//! and its output is printed whole once it ends: first the binaries that
//! failed, in full, then one line for each. The doc tests, which `cargo
//! test` builds and runs itself, run last, with `cargo test --doc`.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A test binary that cargo built.
#[derive(Debug, PartialEq, Eq)]
pub struct TestBinary {
    /// `ch16-parser (bin)`, `check (test cli)`: what `cargo test` says it runs.
    pub name: String,
    pub executable: PathBuf,
    /// The directory of its `Cargo.toml`: where cargo runs it.
    pub dir: PathBuf,
}

/// The test binaries in `cargo test --no-run --message-format=json` output.
pub fn binaries_in(json_lines: &str) -> Result<Vec<TestBinary>, String> {
    let mut binaries = Vec::new();
    for line in json_lines.lines().filter(|line| line.starts_with('{')) {
        let message: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("cargo's output: {e}: {line}"))?;
        if message["reason"] != "compiler-artifact" || message["profile"]["test"] != true {
            continue;
        }
        let Some(executable) = message["executable"].as_str() else {
            continue;
        };
        let manifest = message["manifest_path"]
            .as_str()
            .ok_or_else(|| format!("no manifest_path in {line}"))?;
        let target = &message["target"];
        let kind = target["kind"][0].as_str().unwrap_or("?");
        let target_name = target["name"].as_str().unwrap_or("?");
        let package = Path::new(manifest)
            .parent()
            .and_then(Path::file_name)
            .map_or_else(|| "?".into(), |name| name.to_string_lossy().into_owned());
        let name = match kind {
            "lib" | "bin" if target_name.replace('_', "-") == package.replace('_', "-") => {
                format!("{package} ({kind})")
            }
            _ => format!("{package} ({kind} {target_name})"),
        };
        binaries.push(TestBinary {
            name,
            executable: executable.into(),
            dir: Path::new(manifest)
                .parent()
                .unwrap_or(Path::new("."))
                .into(),
        });
    }
    Ok(binaries)
}

/// What one binary did.
struct Run {
    name: String,
    took: Duration,
    output: std::io::Result<Output>,
}

impl Run {
    fn passed(&self) -> bool {
        self.output
            .as_ref()
            .is_ok_and(|output| output.status.success())
    }

    /// The `test result: …` line of its output, or what went wrong.
    fn summary(&self) -> String {
        match &self.output {
            Err(e) => format!("could not run: {e}"),
            Ok(output) => String::from_utf8_lossy(&output.stdout)
                .lines()
                .rev()
                .find(|line| line.starts_with("test result:"))
                .map_or_else(
                    || format!("ended with {}", output.status),
                    |line| line.trim_start_matches("test result: ").to_string(),
                ),
        }
    }
}

/// Runs `cargo test <args>` in `dir` with `jobs` test binaries at a time.
pub fn run(dir: &Path, args: &[String], jobs: usize) -> Result<bool, String> {
    let started = Instant::now();
    let built = Command::new(cargo())
        .current_dir(dir)
        .arg("test")
        .args(args)
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !built.status.success() {
        return Ok(false);
    }
    let mut binaries = binaries_in(&String::from_utf8_lossy(&built.stdout))?;
    // The slowest first, as the last run timed them (new ones count as
    // slowest), so that no long one starts last and runs alone.
    let times_file = dir.join("target").join("test-side-by-side.times");
    let last_times = read_times(&times_file);
    let last_time = |binary: &TestBinary| last_times.get(&binary.name).copied().unwrap_or(f64::MAX);
    binaries.sort_by(|a, b| last_time(b).total_cmp(&last_time(a)));
    println!(
        "{} test binaries, {jobs} at a time, the slowest first",
        binaries.len()
    );

    let queue = Mutex::new(binaries.into_iter().collect::<VecDeque<_>>());
    let runs = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let Some(binary) = queue.lock().unwrap().pop_front() else {
                        return;
                    };
                    let start = Instant::now();
                    let output = Command::new(&binary.executable)
                        .current_dir(&binary.dir)
                        .arg("--quiet")
                        .stdin(Stdio::null())
                        .output();
                    let run = Run {
                        name: binary.name,
                        took: start.elapsed(),
                        output,
                    };
                    println!(
                        "    {} {}: {} ({:.1} s)",
                        if run.passed() { "ok    " } else { "FAILED" },
                        run.name,
                        run.summary(),
                        run.took.as_secs_f64()
                    );
                    runs.lock().unwrap().push(run);
                }
            });
        }
    });
    let runs = runs.into_inner().unwrap();
    let times: String = runs
        .iter()
        .map(|run| format!("{:.2} {}\n", run.took.as_secs_f64(), run.name))
        .collect();
    // Only an order for next time: losing it costs nothing.
    let _ = std::fs::write(&times_file, times);

    let failed: Vec<_> = runs.iter().filter(|run| !run.passed()).collect();
    for run in &failed {
        println!("\n==> {} failed; its output:", run.name);
        if let Ok(output) = &run.output {
            println!("{}", String::from_utf8_lossy(&output.stdout));
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        }
    }

    // The doc tests: `cargo test --doc` builds them, so they cannot be run
    // from a binary of our own.
    let doc = Command::new(cargo())
        .current_dir(dir)
        .arg("test")
        .args(args)
        .args(["--doc", "--quiet"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;

    println!(
        "{} of {} test binaries passed, doc tests {}; {:.0} s in all",
        runs.len() - failed.len(),
        runs.len(),
        if doc.success() { "passed" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    Ok(failed.is_empty() && doc.success())
}

/// How long each binary took last time, from a file of `seconds name` lines.
fn read_times(path: &Path) -> std::collections::HashMap<String, f64> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (seconds, name) = line.split_once(' ')?;
            Some((name.to_string(), seconds.parse().ok()?))
        })
        .collect()
}

/// The cargo that runs us, if any (`$CARGO`), or the one on the `PATH`.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_test_binaries_in_cargos_messages() {
        let lines = [
            r#"{"reason":"compiler-artifact","manifest_path":"/w/steps/ch16-parser/Cargo.toml","target":{"kind":["bin"],"name":"ch16-parser"},"profile":{"test":true},"executable":"/w/t/ch16_parser-1"}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/w/steps/ch16-parser/Cargo.toml","target":{"kind":["lib"],"name":"ch16_parser"},"profile":{"test":true},"executable":"/w/t/ch16_parser-2"}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/w/steps/check/Cargo.toml","target":{"kind":["test"],"name":"cli"},"profile":{"test":true},"executable":"/w/t/cli-3"}"#,
            // Built for the tests, but not a test: the binary that tests run.
            r#"{"reason":"compiler-artifact","manifest_path":"/w/steps/check/Cargo.toml","target":{"kind":["bin"],"name":"check"},"profile":{"test":false},"executable":"/w/t/check"}"#,
            // A library, built, with no executable.
            r#"{"reason":"compiler-artifact","manifest_path":"/w/steps/testkit/Cargo.toml","target":{"kind":["lib"],"name":"testkit"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ];
        let binaries = binaries_in(&lines.join("\n")).unwrap();
        let names: Vec<_> = binaries.iter().map(|binary| binary.name.as_str()).collect();
        assert_eq!(
            names,
            ["ch16-parser (bin)", "ch16-parser (lib)", "check (test cli)"]
        );
        assert_eq!(binaries[2].dir, Path::new("/w/steps/check"));
        assert_eq!(binaries[2].executable, Path::new("/w/t/cli-3"));
    }
}
