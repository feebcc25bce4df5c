//! The scenarios, and what each one's run must show.

use crate::{Connection, Outcome, Run};

/// A small, fixed script run against one step's binary.
pub struct Scenario {
    /// The picture is `timeline-<name>.svg`.
    pub name: &'static str,
    /// The step crate whose binary runs.
    pub step: &'static str,
    /// What the client does, in order.
    pub sends: &'static [Send],
    /// The chapter's point, which [`Scenario::check`] asks of a run.
    pub point: &'static str,
    claim: fn(&Run) -> Result<(), String>,
}

/// One thing the client does, `at_ms` after the start.
pub struct Send {
    pub at_ms: u64,
    pub action: Action,
}

pub enum Action {
    /// Connects, sends `GET <path>` as curl does, and reads the answer.
    Get(&'static str),
    /// Sends the server `SIGINT`, as Ctrl-C in its terminal does.
    CtrlC,
}

const fn get(at_ms: u64, path: &'static str) -> Send {
    Send {
        at_ms,
        action: Action::Get(path),
    }
}

/// A slow request, then a fast one half a second later, as a reader does
/// from two terminals.
const SLOW_THEN_FAST: &[Send] = &[get(0, "/sleep"), get(500, "/")];

/// Six slow requests, 0.2 s apart, for a pool of four, then a fast one.
const SIX_SLOW_THEN_FAST: &[Send] = &[
    get(0, "/sleep"),
    get(200, "/sleep"),
    get(400, "/sleep"),
    get(600, "/sleep"),
    get(800, "/sleep"),
    get(1000, "/sleep"),
    get(1200, "/"),
];

/// Three slow requests in flight, Ctrl-C, then a client that comes too late.
const SHUTDOWN: &[Send] = &[
    get(0, "/sleep"),
    get(200, "/sleep"),
    get(400, "/sleep"),
    Send {
        at_ms: 1000,
        action: Action::CtrlC,
    },
    get(1500, "/"),
];

/// Every scenario, in the book's order.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "ch07",
        step: "ch07-sleep",
        sends: SLOW_THEN_FAST,
        point: "`/` waits behind `/sleep`",
        claim: fast_waits_for_slow,
    },
    Scenario {
        name: "ch08",
        step: "ch08-thread-per-connection",
        sends: SLOW_THEN_FAST,
        point: "`/` is answered at once, while `/sleep` sleeps",
        claim: fast_does_not_wait,
    },
    Scenario {
        name: "ch10-pool",
        step: "ch10-b-pool",
        sends: SIX_SLOW_THEN_FAST,
        point: "four requests run at once; the others wait for a free thread",
        claim: four_at_a_time,
    },
    Scenario {
        name: "ch10-while-let",
        step: "ch10-c-while-let",
        sends: SIX_SLOW_THEN_FAST,
        point: "the `while let` pool runs one request at a time",
        claim: one_at_a_time,
    },
    Scenario {
        name: "ch11-shutdown",
        step: "ch11-b-ctrl-c",
        sends: SHUTDOWN,
        point: "after Ctrl-C the requests in flight are answered, a new client is refused, then the server exits",
        claim: shutdown_finishes_in_flight,
    },
];

/// The scenario called `name`.
pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

impl Scenario {
    /// The requests the client sends, in order, as `GET /path`.
    pub fn requests(&self) -> Vec<String> {
        (self.sends.iter())
            .filter_map(|send| match send.action {
                Action::Get(path) => Some(format!("GET {path}")),
                Action::CtrlC => None,
            })
            .collect()
    }

    /// Whether the scenario sends the server a signal.
    pub fn signals(&self) -> bool {
        self.sends.iter().any(|s| matches!(s.action, Action::CtrlC))
    }

    /// Checks that `run` is a run of this scenario and shows its point, with
    /// wide margins: the exact times vary from run to run and machine to
    /// machine, but a server that behaved otherwise is off by seconds.
    pub fn check(&self, run: &Run) -> Result<(), String> {
        if run.scenario != self.name || run.step != self.step {
            return Err(format!(
                "a run of {} against {}, not of {} against {}",
                run.scenario, run.step, self.name, self.step
            ));
        }
        let made: Vec<&str> = run.connections.iter().map(|c| c.request.as_str()).collect();
        if made != self.requests() {
            return Err(format!(
                "the connections are {made:?}, the scenario makes {:?}",
                self.requests()
            ));
        }
        if run.signal.is_some() != self.signals() {
            return Err("the signal does not match the scenario".to_string());
        }
        if run.sleep_ms == 0 {
            return Err("the length of a sleep is missing".to_string());
        }
        (self.claim)(run).map_err(|e| format!("the run does not show that {}: {e}", self.point))
    }
}

/// The time `connection` (numbered from 1) got its `200` answer.
fn ok_at(run: &Run, number: usize) -> Result<u64, String> {
    let c: &Connection = &run.connections[number - 1];
    match c.outcome {
        Outcome::Answered {
            status: 200,
            first_byte_ms,
            ..
        } => Ok(first_byte_ms),
        ref other => Err(format!("#{number} {} got {other:?}, not 200", c.request)),
    }
}

/// Checks that `ms` is within `low..=high` sleeps, counted from the start.
fn after_sleeps(run: &Run, number: usize, low: f64, high: f64) -> Result<(), String> {
    let at = ok_at(run, number)?;
    let sleeps = at as f64 / run.sleep_ms as f64;
    if (low..=high).contains(&sleeps) {
        Ok(())
    } else {
        Err(format!(
            "#{number} was answered after {sleeps:.2} sleeps, expected {low} to {high}"
        ))
    }
}

fn fast_waits_for_slow(run: &Run) -> Result<(), String> {
    after_sleeps(run, 1, 0.8, 1.5)?;
    // `/` is ready in a millisecond, and is answered only after the sleep.
    after_sleeps(run, 2, 0.8, 1.6)?;
    if ok_at(run, 2)? < ok_at(run, 1)? {
        return Err("`/` was answered before `/sleep`".to_string());
    }
    Ok(())
}

fn fast_does_not_wait(run: &Run) -> Result<(), String> {
    after_sleeps(run, 1, 0.8, 1.5)?;
    let waited = ok_at(run, 2)? - run.connections[1].connect_ms;
    if waited as f64 > 0.5 * run.sleep_ms as f64 {
        return Err(format!("`/` waited {waited} ms for its answer"));
    }
    Ok(())
}

fn four_at_a_time(run: &Run) -> Result<(), String> {
    // The four threads take the first four requests at once…
    for number in 1..=4 {
        after_sleeps(run, number, 0.8, 1.5)?;
    }
    // …the next two wait for one of them to be free, and sleep then…
    for number in 5..=6 {
        after_sleeps(run, number, 1.8, 2.5)?;
    }
    // …and `/` waits for a free thread too, but not for a second sleep.
    after_sleeps(run, 7, 0.8, 1.5)
}

fn one_at_a_time(run: &Run) -> Result<(), String> {
    // Each request for `/sleep` starts only when the one before has ended…
    for number in 1..=6 {
        after_sleeps(run, number, 0.8 * number as f64, 1.5 * number as f64)?;
    }
    // …and `/` waits for all six.
    after_sleeps(run, 7, 4.8, 9.0)?;
    if ok_at(run, 7)? < ok_at(run, 6)? {
        return Err("`/` was answered before the last `/sleep`".to_string());
    }
    Ok(())
}

fn shutdown_finishes_in_flight(run: &Run) -> Result<(), String> {
    let signal = run.signal.as_ref().ok_or("no signal")?;
    let exit = run.exit.as_ref().ok_or("the server did not exit")?;
    let mut last_answer = 0;
    for number in 1..=3 {
        let c = &run.connections[number - 1];
        if c.connect_ms >= signal.at_ms {
            return Err(format!("#{number} was not in flight at the signal"));
        }
        // Answered in full, a whole sleep after it arrived: after the signal.
        after_sleeps(run, number, 0.8, 1.5)?;
        let answered = ok_at(run, number)?;
        if answered <= signal.at_ms {
            return Err(format!("#{number} was answered before the signal"));
        }
        last_answer = last_answer.max(answered);
    }
    let late = &run.connections[3];
    match &late.outcome {
        Outcome::Failed { error, .. } if error == "ECONNREFUSED" => {}
        other => return Err(format!("#4, after the signal, got {other:?}, not refused")),
    }
    if late.connect_ms <= signal.at_ms {
        return Err("#4 did not come after the signal".to_string());
    }
    if exit.status != 0 {
        return Err(format!("the server exited with status {}", exit.status));
    }
    if exit.at_ms < last_answer {
        return Err("the server exited before the last answer".to_string());
    }
    Ok(())
}
