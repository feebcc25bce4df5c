//! What chapter 20's server prints: a line for each answer, and, when it
//! stops, its counts. Written once here, for the claims that read a
//! server's output, and for the step's own tests.

use std::fs;
use std::path::Path;
use std::time::Duration;

/// One line of the log, for one answer: `GET /sleep 200 5003ms worker-2`.
///
/// Five fields, split by spaces: the method and the target of the request
/// (`-` each, if the server could not read them), the status code, how long
/// the request took in milliseconds, and the name of the thread that
/// answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub method: String,
    pub target: String,
    pub status: u16,
    pub took: Duration,
    pub who: String,
}

impl Line {
    /// The log line `text` is, if it is one; `None` for any other line that
    /// the server prints (`Listening on …`, `Goodbye.`).
    pub fn parse(text: &str) -> Option<Line> {
        let fields: Vec<&str> = text.split(' ').collect();
        let [method, target, status, took, who] = fields[..] else {
            return None;
        };
        let is_code = status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit());
        let millis = took.strip_suffix("ms")?;
        if !is_code || millis.is_empty() || !millis.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if [method, target, who].iter().any(|field| field.is_empty()) {
            return None;
        }
        Some(Line {
            method: method.to_string(),
            target: target.to_string(),
            status: status.parse().ok()?,
            took: Duration::from_millis(millis.parse().ok()?),
            who: who.to_string(),
        })
    }

    /// The counter this answer counts in.
    pub fn kind(&self) -> Kind {
        match self.status {
            503 => Kind::Rejected,
            408 => Kind::TimedOut,
            500 => Kind::Panicked,
            _ => Kind::Served,
        }
    }
}

/// The counters that answers count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any answer but the three below.
    Served,
    /// `503 Service Unavailable`.
    Rejected,
    /// `408 Request Timeout`.
    TimedOut,
    /// `500 Internal Server Error`: the job panicked.
    Panicked,
}

/// The labels of the counts, in the order the server prints them, each
/// followed by spaces and a number: `Accepted:  27`.
pub const LABELS: [&str; 5] = [
    "Accepted:",
    "Served:",
    "Rejected:",
    "Timed out:",
    "Panicked:",
];

/// The counts that the server prints when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Connections.
    pub accepted: usize,
    /// Answers, by [`Kind`].
    pub served: usize,
    pub rejected: usize,
    pub timed_out: usize,
    pub panicked: usize,
}

impl Counts {
    /// The counts in `output`, the server's output or its end: the last
    /// line for each label. `None` if a label is missing.
    pub fn parse(output: &str) -> Option<Counts> {
        let mut found = [None; 5];
        for line in output.lines() {
            for (label, slot) in LABELS.iter().zip(&mut found) {
                let Some(rest) = line.strip_prefix(label) else {
                    continue;
                };
                // At least one space between the label and the number.
                let number = rest.trim_start_matches(' ');
                if number.len() < rest.len()
                    && let Ok(count) = number.parse()
                {
                    *slot = Some(count);
                }
            }
        }
        let [accepted, served, rejected, timed_out, panicked] = found;
        Some(Counts {
            accepted: accepted?,
            served: served?,
            rejected: rejected?,
            timed_out: timed_out?,
            panicked: panicked?,
        })
    }

    /// How many answers of `kind` these counts count.
    pub fn of(&self, kind: Kind) -> usize {
        match kind {
            Kind::Served => self.served,
            Kind::Rejected => self.rejected,
            Kind::TimedOut => self.timed_out,
            Kind::Panicked => self.panicked,
        }
    }

    /// The counts of answers of `lines`, as a server that logged them
    /// should count them (`accepted` stays 0: lines are not connections).
    pub fn of_lines<'a>(lines: impl IntoIterator<Item = &'a Line>) -> Counts {
        let mut counts = Counts::default();
        for line in lines {
            match line.kind() {
                Kind::Served => counts.served += 1,
                Kind::Rejected => counts.rejected += 1,
                Kind::TimedOut => counts.timed_out += 1,
                Kind::Panicked => counts.panicked += 1,
            }
        }
        counts
    }
}

/// A server's output as a file: what `cargo run > server.log` writes.
pub struct Output<'a> {
    path: &'a Path,
}

impl<'a> Output<'a> {
    pub fn new(path: &'a Path) -> Output<'a> {
        Output { path }
    }

    /// How many bytes the file holds now.
    pub fn size(&self) -> u64 {
        fs::metadata(self.path).map_or(0, |m| m.len())
    }

    /// What the file holds after its first `from` bytes, in whole lines.
    pub fn since(&self, from: u64) -> String {
        let bytes = fs::read(self.path).unwrap_or_default();
        let start = usize::try_from(from).unwrap_or(usize::MAX).min(bytes.len());
        let rest = &bytes[start..];
        // A line still being written is left for the next look.
        let whole = rest.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        String::from_utf8_lossy(&rest[..whole]).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_log_line() {
        let line = Line::parse("GET /sleep 200 5003ms worker-2").unwrap();
        assert_eq!(line.method, "GET");
        assert_eq!(line.target, "/sleep");
        assert_eq!(line.status, 200);
        assert_eq!(line.took, Duration::from_millis(5003));
        assert_eq!(line.who, "worker-2");
        assert_eq!(
            Line::parse("- - 408 5001ms reader").unwrap().kind(),
            Kind::TimedOut
        );
    }

    #[test]
    fn other_lines_are_not_log_lines() {
        for text in [
            "Listening on http://127.0.0.1:7878",
            "Goodbye.",
            "GET /sleep 200 5003 worker-2",
            "GET /sleep 2000 5003ms worker-2",
            "GET /sleep 200 ms worker-2",
            "GET /sleep 200 5003ms",
            "GET  /sleep 200 5003ms worker-2",
            "GET /sleep 200 5003ms worker-2 extra",
            "Worker 1: the channel is closed, stopping.",
        ] {
            assert_eq!(Line::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn reads_the_counts() {
        let output = "GET / 200 0ms worker-0\nAccepted:  27\nServed:    22\nRejected:  5\n\
                      Timed out: 1\nPanicked:  0\nGoodbye.\n";
        let counts = Counts::parse(output).unwrap();
        assert_eq!(
            counts,
            Counts {
                accepted: 27,
                served: 22,
                rejected: 5,
                timed_out: 1,
                panicked: 0
            }
        );
        assert_eq!(Counts::parse(&output.replace("Panicked:  0\n", "")), None);
        assert_eq!(
            Counts::parse(&output.replace("Rejected:  5", "Rejected:5")),
            None
        );
    }

    #[test]
    fn counts_lines_by_their_kind() {
        let lines: Vec<Line> = [
            "GET / 200 0ms worker-0",
            "GET /x 404 1ms worker-1",
            "GET / 503 0ms reader",
            "- - 408 5000ms reader",
            "GET /panic 500 0ms worker-3",
        ]
        .iter()
        .map(|text| Line::parse(text).unwrap())
        .collect();
        let counts = Counts::of_lines(&lines);
        assert_eq!(
            (
                counts.served,
                counts.rejected,
                counts.timed_out,
                counts.panicked
            ),
            (2, 1, 1, 1)
        );
    }
}
