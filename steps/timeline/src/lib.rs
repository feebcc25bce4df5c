//! Timelines of real runs, for the chapters whose point is about time.
//!
//! A *scenario* is a small, fixed script: which requests a client sends to a
//! step's server, and when (and, for chapter 11, when the server gets
//! Ctrl-C). The `timeline` binary runs it against the step's real binary and
//! records, for every connection, when it was made, when the first byte of
//! the answer came and when the server closed it. [`draw`] turns that [`Run`]
//! into an SVG picture, one row per connection, a bar from arrival to answer;
//! [`read`] reads a picture back, so that the tests can check every
//! committed picture: its format, that it still is what [`draw`] makes of its
//! own data, and that its timings show what the chapter says
//! ([`Scenario::check`]).
//!
//! The pictures carry no words, only requests, status codes, error names and
//! seconds, so one picture serves every language; the chapters' captions and
//! alt texts, which are translated, say what they show.

mod picture;
mod scenarios;

pub use picture::{draw, read};
pub use scenarios::{Action, SCENARIOS, Scenario, Send, scenario};

/// What happened in one real run of a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The scenario's name, such as `ch07`.
    pub scenario: String,
    /// The step crate whose binary ran, such as `ch07-sleep`.
    pub step: String,
    /// How long the step's `/sleep` takes, in milliseconds.
    pub sleep_ms: u64,
    /// The connections, in the order the client made them.
    pub connections: Vec<Connection>,
    /// When the server got a signal, if the scenario sends one.
    pub signal: Option<Signal>,
    /// When the server exited, if it did by itself.
    pub exit: Option<Exit>,
    /// Where and how the run was made.
    pub about: About,
}

/// One connection of the client, with times in milliseconds from the start
/// of the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The request line without the version: `GET /sleep`.
    pub request: String,
    /// When the connection was made (or refused).
    pub connect_ms: u64,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered.
    Answered {
        /// The status code, such as 200.
        status: u16,
        /// When the first byte of the answer arrived.
        first_byte_ms: u64,
        /// When the server closed the connection.
        closed_ms: u64,
    },
    /// The connection failed: `error` is the name of the error
    /// (`ECONNREFUSED`, `ECONNRESET`, …), `at_ms` when it came.
    Failed { error: String, at_ms: u64 },
}

/// A signal sent to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    /// Its name, such as `SIGINT`.
    pub name: String,
    pub at_ms: u64,
}

/// The end of the server's process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    pub at_ms: u64,
    /// The exit status; -1 if a signal ended the process.
    pub status: i32,
}

/// Where, when and how a run was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct About {
    /// RFC 3339, in UTC.
    pub date: String,
    /// The command line that made the picture.
    pub command: String,
    /// The CPU's model name.
    pub cpu: String,
    /// The CPU cores the run could use.
    pub cores: usize,
    /// The operating system and kernel release, such as `Linux 6.1.0`.
    pub kernel: String,
}

impl Connection {
    /// When the answer came, if one did.
    pub fn answered_ms(&self) -> Option<u64> {
        match self.outcome {
            Outcome::Answered { first_byte_ms, .. } => Some(first_byte_ms),
            Outcome::Failed { .. } => None,
        }
    }

    /// When the last thing happened to the connection.
    pub fn end_ms(&self) -> u64 {
        match self.outcome {
            Outcome::Answered { closed_ms, .. } => closed_ms,
            Outcome::Failed { at_ms, .. } => at_ms,
        }
    }
}

impl Run {
    /// The last moment of the run that the picture shows.
    pub fn end_ms(&self) -> u64 {
        let connections = self.connections.iter().map(Connection::end_ms);
        let signal = self.signal.iter().map(|s| s.at_ms);
        let exit = self.exit.iter().map(|e| e.at_ms);
        connections.chain(signal).chain(exit).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
