//! A [`Run`] as an SVG picture, and back.
//!
//! The picture has one row per connection: its label (`#1 GET /sleep`), a
//! bar from the moment the connection was made to the first byte of the
//! answer (the time the client waited), a dot where the answer came, and the
//! status code; or, for a connection that failed, a cross and the error's
//! name. A signal is a dashed vertical line, the end of the server's process
//! a solid one, with its exit status (`exit 0`). Below the rows, the seconds.
//!
//! It has its own white background and dark text, so it reads the same in
//! every theme of the book. Everything the picture is drawn from is in it
//! too, as `data-` attributes: the timings in milliseconds, on each row, and
//! the scenario, the step, the date, the command and the machine, on the
//! `<svg>` element. [`read`] reads them back.

use svg::Document;
use svg::node::Comment;
use svg::node::element::{Circle, Group, Line, Rectangle, Text};

use crate::{About, Connection, Exit, Outcome, Run, Signal};

const WIDTH: f64 = 760.0;
/// The labels' column.
const LEFT: f64 = 150.0;
/// Room after the last moment for a status code or an error name.
const RIGHT: f64 = 110.0;
/// Room above the rows for the name of a signal.
const TOP: f64 = 30.0;
const ROW: f64 = 30.0;
const BAR: f64 = 14.0;

const BACKGROUND: &str = "#ffffff";
const TEXT: &str = "#1a1a1a";
const GRID: &str = "#dddddd";
const AXIS: &str = "#595959";
/// A bar: waiting for the answer.
const WAITING: &str = "#3c78c3";
/// The dot: the answer.
const ANSWER: &str = "#0b2545";
/// Refusals, resets and signals.
const ALERT: &str = "#b3261e";

const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";
const MONO: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";

/// Where the seconds of a run go on the x axis.
struct Scale {
    /// Seconds between two ticks.
    step_s: u64,
    ticks: u64,
}

impl Scale {
    fn for_run(run: &Run) -> Scale {
        let end = run.end_ms().max(1);
        let step_s = match end {
            0..=12_000 => 1,
            12_001..=24_000 => 2,
            _ => 5,
        };
        Scale {
            step_s,
            // A little room after the end, for the last dot.
            ticks: (end + 300 * step_s).div_ceil(step_s * 1000),
        }
    }

    fn span_ms(&self) -> u64 {
        self.step_s * self.ticks * 1000
    }

    fn x(&self, ms: u64) -> f64 {
        round(LEFT + ms as f64 * (WIDTH - LEFT - RIGHT) / self.span_ms() as f64)
    }
}

/// One decimal is plenty for a picture, and keeps the file short.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn row_y(index: usize) -> f64 {
    TOP + ROW * index as f64 + ROW / 2.0
}

/// The picture of `run`, as the text of an SVG file.
pub fn draw(run: &Run) -> String {
    let scale = Scale::for_run(run);
    let axis_y = TOP + ROW * run.connections.len() as f64 + 4.0;
    let height = axis_y + 30.0;

    let mut document = Document::new()
        .set("width", WIDTH)
        .set("height", height)
        .set("viewBox", (0, 0, WIDTH, height))
        .set("role", "img")
        .set("data-scenario", run.scenario.as_str())
        .set("data-step", run.step.as_str())
        .set("data-sleep-ms", run.sleep_ms)
        .set("data-date", run.about.date.as_str())
        .set("data-command", run.about.command.as_str())
        .set("data-cpu", run.about.cpu.as_str())
        .set("data-cores", run.about.cores)
        .set("data-kernel", run.about.kernel.as_str());
    if let Some(exit) = &run.exit {
        document = document
            .set("data-exit-ms", exit.at_ms)
            .set("data-exit-status", exit.status);
    }
    document = document.add(Comment::new(comment(run))).add(
        Rectangle::new()
            .set("width", WIDTH)
            .set("height", height)
            .set("fill", BACKGROUND),
    );

    // The seconds: a grid line and a label for each tick.
    let mut axis = Group::new().set("class", "axis");
    for tick in 0..=scale.ticks {
        let seconds = tick * scale.step_s;
        let x = scale.x(seconds * 1000);
        axis = axis
            .add(
                Line::new()
                    .set("x1", x)
                    .set("x2", x)
                    .set("y1", TOP - 4.0)
                    .set("y2", axis_y)
                    .set("stroke", GRID),
            )
            .add(
                text(&format!("{seconds} s"), x, axis_y + 18.0, FONT).set("text-anchor", "middle"),
            );
    }
    axis = axis.add(
        Line::new()
            .set("x1", LEFT)
            .set("x2", scale.x(scale.span_ms()))
            .set("y1", axis_y)
            .set("y2", axis_y)
            .set("stroke", AXIS),
    );
    document = document.add(axis);

    if let Some(signal) = &run.signal {
        let x = scale.x(signal.at_ms);
        document = document.add(
            Group::new()
                .set("class", "signal")
                .set("data-name", signal.name.as_str())
                .set("data-at-ms", signal.at_ms)
                .add(
                    Line::new()
                        .set("x1", x)
                        .set("x2", x)
                        .set("y1", TOP - 8.0)
                        .set("y2", axis_y)
                        .set("stroke", ALERT)
                        .set("stroke-width", 2)
                        .set("stroke-dasharray", "5 4"),
                )
                .add(
                    text(&signal.name, x, TOP - 12.0, MONO)
                        .set("text-anchor", "middle")
                        .set("fill", ALERT),
                ),
        );
    }

    if let Some(exit) = &run.exit {
        // Drawn, like the signal, from the data on the `<svg>` element.
        let x = scale.x(exit.at_ms);
        document = document.add(
            Group::new()
                .set("class", "exit")
                .add(
                    Line::new()
                        .set("x1", x)
                        .set("x2", x)
                        .set("y1", TOP - 8.0)
                        .set("y2", axis_y)
                        .set("stroke", AXIS)
                        .set("stroke-width", 2),
                )
                .add(
                    text(&format!("exit {}", exit.status), x, TOP - 12.0, MONO)
                        .set("text-anchor", "middle"),
                ),
        );
    }

    for (index, connection) in run.connections.iter().enumerate() {
        document = document.add(row(&scale, index, connection));
    }
    format!("{document}\n")
}

/// The comment at the top of the file, for whoever opens it.
fn comment(run: &Run) -> String {
    let text = format!(
        "A real run of the step {step} (scenario {scenario}) on {date}, drawn by \
         steps/timeline. Regenerate every picture with ci/timelines.sh. \
         The data attributes hold the timings in milliseconds, the command and the machine.",
        step = run.step,
        scenario = run.scenario,
        date = run.about.date,
    );
    // XML does not allow two hyphens in a row inside a comment.
    text.replace("--", "- -")
}

fn text(content: &str, x: f64, y: f64, family: &str) -> Text {
    Text::new(content)
        .set("x", x)
        .set("y", y)
        .set("font-family", family)
        .set("font-size", 13)
        .set("fill", TEXT)
        // A white outline under the letters, so that a line behind them
        // (the end of the process, a tick) does not cut through them.
        .set("stroke", BACKGROUND)
        .set("stroke-width", 4)
        .set("stroke-linejoin", "round")
        .set("paint-order", "stroke")
}

fn row(scale: &Scale, index: usize, connection: &Connection) -> Group {
    let y = row_y(index);
    let mut group = Group::new()
        .set("class", "connection")
        .set("data-request", connection.request.as_str())
        .set("data-connect-ms", connection.connect_ms)
        .add(
            text(
                &format!("#{} {}", index + 1, connection.request),
                LEFT - 12.0,
                y + 4.5,
                MONO,
            )
            .set("text-anchor", "end"),
        );
    let start = scale.x(connection.connect_ms);
    match &connection.outcome {
        Outcome::Answered {
            status,
            first_byte_ms,
            closed_ms,
        } => {
            let answer = scale.x(*first_byte_ms);
            let closed = scale.x(*closed_ms);
            group = group
                .set("data-status", *status)
                .set("data-first-byte-ms", *first_byte_ms)
                .set("data-closed-ms", *closed_ms)
                .add(
                    Rectangle::new()
                        .set("class", "waiting")
                        .set("x", start)
                        .set("y", y - BAR / 2.0)
                        // At least a sliver, for an answer that came at once.
                        .set("width", round((answer - start).max(2.0)))
                        .set("height", BAR)
                        .set("fill", WAITING),
                )
                .add(
                    Line::new()
                        .set("x1", answer)
                        .set("x2", closed)
                        .set("y1", y)
                        .set("y2", y)
                        .set("stroke", ANSWER)
                        .set("stroke-width", 2),
                )
                .add(
                    Circle::new()
                        .set("class", "answer")
                        .set("cx", answer)
                        .set("cy", y)
                        .set("r", 5)
                        .set("fill", ANSWER),
                )
                .add(text(
                    &status.to_string(),
                    closed.max(answer) + 10.0,
                    y + 4.5,
                    FONT,
                ));
        }
        Outcome::Failed { error, at_ms } => {
            let x = scale.x(*at_ms);
            let cross = |dx: f64| {
                Line::new()
                    .set("x1", x - 5.0)
                    .set("x2", x + 5.0)
                    .set("y1", y - dx)
                    .set("y2", y + dx)
                    .set("stroke", ALERT)
                    .set("stroke-width", 2.5)
            };
            group = group
                .set("data-error", error.as_str())
                .set("data-error-ms", *at_ms)
                .add(cross(5.0).set("class", "failed"))
                .add(cross(-5.0))
                .add(text(error, x + 10.0, y + 4.5, MONO).set("fill", ALERT));
        }
    }
    group
}

/// Reads back the run a picture made by [`draw`] was drawn from.
pub fn read(svg: &str) -> Result<Run, String> {
    let document = roxmltree::Document::parse(svg).map_err(|e| format!("not XML: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg"
        || root.tag_name().namespace() != Some("http://www.w3.org/2000/svg")
    {
        return Err("not an SVG picture".to_string());
    }
    let with_class = |class: &'static str| {
        root.descendants()
            .filter(move |n| n.is_element() && n.attribute("class") == Some(class))
    };

    let mut connections = Vec::new();
    for node in with_class("connection") {
        let outcome = match node.attribute("data-status") {
            Some(status) => Outcome::Answered {
                status: number(status, "data-status")?,
                first_byte_ms: number_at(node, "data-first-byte-ms")?,
                closed_ms: number_at(node, "data-closed-ms")?,
            },
            None => Outcome::Failed {
                error: attribute(node, "data-error")?.to_string(),
                at_ms: number_at(node, "data-error-ms")?,
            },
        };
        connections.push(Connection {
            request: attribute(node, "data-request")?.to_string(),
            connect_ms: number_at(node, "data-connect-ms")?,
            outcome,
        });
    }
    let mut signals = with_class("signal");
    let signal = match signals.next() {
        Some(node) => Some(Signal {
            name: attribute(node, "data-name")?.to_string(),
            at_ms: number_at(node, "data-at-ms")?,
        }),
        None => None,
    };
    if signals.next().is_some() {
        return Err("more than one signal".to_string());
    }
    let exit = match root.attribute("data-exit-ms") {
        Some(at) => Some(Exit {
            at_ms: number(at, "data-exit-ms")?,
            status: number_at(root, "data-exit-status")?,
        }),
        None => None,
    };
    Ok(Run {
        scenario: attribute(root, "data-scenario")?.to_string(),
        step: attribute(root, "data-step")?.to_string(),
        sleep_ms: number_at(root, "data-sleep-ms")?,
        connections,
        signal,
        exit,
        about: About {
            date: attribute(root, "data-date")?.to_string(),
            command: attribute(root, "data-command")?.to_string(),
            cpu: attribute(root, "data-cpu")?.to_string(),
            cores: number_at(root, "data-cores")?,
            kernel: attribute(root, "data-kernel")?.to_string(),
        },
    })
}

fn attribute<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Result<&'a str, String> {
    node.attribute(name)
        .ok_or_else(|| format!("<{}> has no {name}", node.tag_name().name()))
}

fn number_at<T: std::str::FromStr>(node: roxmltree::Node, name: &str) -> Result<T, String> {
    number(attribute(node, name)?, name)
}

fn number<T: std::str::FromStr>(value: &str, name: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name}={value:?} is not a number"))
}
