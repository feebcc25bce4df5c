//! The drawing and the chapters' claims, from fixed, made-up timings.

use super::*;

fn about() -> About {
    About {
        date: "2026-01-02T03:04:05Z".to_string(),
        command: "timeline --all".to_string(),
        cpu: "A CPU".to_string(),
        cores: 2,
        kernel: "Linux 6.1.0".to_string(),
    }
}

fn ok(request: &str, connect_ms: u64, first_byte_ms: u64) -> Connection {
    Connection {
        request: request.to_string(),
        connect_ms,
        outcome: Outcome::Answered {
            status: 200,
            first_byte_ms,
            closed_ms: first_byte_ms + 1,
        },
    }
}

/// A run of the scenario `name` with these connections.
fn run(name: &str, connections: Vec<Connection>) -> Run {
    Run {
        scenario: name.to_string(),
        step: scenario(name).unwrap().step.to_string(),
        sleep_ms: 5000,
        connections,
        signal: None,
        exit: None,
        about: about(),
    }
}

/// `/` waits behind `/sleep`, as in chapter 7.
fn one_thread() -> Vec<Connection> {
    vec![ok("GET /sleep", 0, 5001), ok("GET /", 500, 5002)]
}

/// `/` answered at once, as in chapter 8.
fn thread_each() -> Vec<Connection> {
    vec![ok("GET /sleep", 0, 5002), ok("GET /", 500, 502)]
}

/// Six slow requests and a fast one, `answered` at those times.
fn six_and_one(answered: [u64; 7]) -> Vec<Connection> {
    (0..7)
        .map(|i| {
            let request = if i < 6 { "GET /sleep" } else { "GET /" };
            ok(request, 200 * i as u64, answered[i])
        })
        .collect()
}

/// A pool of four, as in chapter 10.
fn four_threads() -> Vec<Connection> {
    six_and_one([5000, 5200, 5400, 5600, 10000, 10200, 5400])
}

/// The `while let` pool, one request at a time.
fn one_at_a_time() -> Vec<Connection> {
    six_and_one([5000, 10000, 15001, 20001, 25002, 30002, 30003])
}

/// Chapter 11: three requests in flight finish after Ctrl-C; a fourth is refused.
fn shutdown() -> Run {
    let mut connections: Vec<Connection> = (0..3)
        .map(|i| ok("GET /sleep", 200 * i, 5000 + 200 * i))
        .collect();
    connections.push(Connection {
        request: "GET /".to_string(),
        connect_ms: 1500,
        outcome: Outcome::Failed {
            error: "ECONNREFUSED".to_string(),
            at_ms: 1500,
        },
    });
    Run {
        signal: Some(Signal {
            name: "SIGINT".to_string(),
            at_ms: 1001,
        }),
        exit: Some(Exit {
            at_ms: 5405,
            status: 0,
        }),
        ..run("ch11-shutdown", connections)
    }
}

fn every_run() -> Vec<Run> {
    vec![
        run("ch07", one_thread()),
        run("ch08", thread_each()),
        run("ch10-pool", four_threads()),
        run("ch10-while-let", one_at_a_time()),
        shutdown(),
    ]
}

#[test]
fn a_picture_holds_the_run_it_was_drawn_from() {
    for run in every_run() {
        assert_eq!(read(&draw(&run)).unwrap(), run);
    }
}

/// An attribute of `node` as a number.
fn at(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap()
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> roxmltree::Node<'a, 'a> {
    node.children()
        .find(|n| n.tag_name().name() == tag)
        .unwrap_or_else(|| panic!("no <{tag}>"))
}

fn texts(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).unwrap();
    (document.descendants())
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn a_bar_runs_from_arrival_to_answer() {
    let svg = draw(&run("ch07", one_thread()));
    let document = roxmltree::Document::parse(&svg).unwrap();
    // The run ends at 5.003 s, so the axis goes to 6 s: 500 pixels from
    // x = 150, 12 seconds to 1,000 pixels.
    let x = |ms: f64| 150.0 + ms / 12.0;
    let rows: Vec<_> = (document.descendants())
        .filter(|n| n.attribute("class") == Some("connection"))
        .collect();
    assert_eq!(rows.len(), 2);
    for (row, (connect, answer)) in rows.iter().zip([(0.0, 5001.0), (500.0, 5002.0)]) {
        let bar = child(*row, "rect");
        let dot = child(*row, "circle");
        assert!(
            (at(bar, "x") - x(connect)).abs() < 0.1,
            "the bar starts on arrival"
        );
        let end = at(bar, "x") + at(bar, "width");
        assert!((end - x(answer)).abs() < 0.2, "the bar ends at the answer");
        assert!(
            (at(dot, "cx") - x(answer)).abs() < 0.1,
            "the dot is the answer"
        );
        assert_eq!(bar.attribute("fill"), Some("#3c78c3"));
    }
    // One row below the other.
    assert!(at(child(rows[1], "rect"), "y") > at(child(rows[0], "rect"), "y"));
    let labels: Vec<String> = texts(&svg);
    for shown in ["#1 GET /sleep", "#2 GET /", "200", "0 s", "6 s"] {
        assert!(
            labels.iter().any(|t| t == shown),
            "{shown:?} missing in {labels:?}"
        );
    }
    assert!(
        !labels.iter().any(|t| t == "7 s"),
        "the axis goes one tick too far"
    );
}

#[test]
fn a_long_run_has_a_tick_every_five_seconds() {
    let labels = texts(&draw(&run("ch10-while-let", one_at_a_time())));
    let ticks: Vec<&String> = labels.iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(
        ticks,
        ["0 s", "5 s", "10 s", "15 s", "20 s", "25 s", "30 s", "35 s"]
    );
}

#[test]
fn a_signal_is_a_line_and_a_refused_connection_a_cross() {
    let svg = draw(&shutdown());
    let document = roxmltree::Document::parse(&svg).unwrap();
    let x = |ms: f64| 150.0 + ms / 12.0;
    let find = |class: &str| {
        (document.descendants())
            .find(|n| n.attribute("class") == Some(class))
            .unwrap_or_else(|| panic!("no {class}"))
    };
    let signal = child(find("signal"), "line");
    assert!((at(signal, "x1") - x(1001.0)).abs() < 0.1);
    assert_eq!(at(signal, "x1"), at(signal, "x2"), "a vertical line");
    let exit = child(find("exit"), "line");
    assert!((at(exit, "x1") - x(5405.0)).abs() < 0.1);
    let cross = find("failed");
    assert!((at(cross, "x1") + at(cross, "x2") - 2.0 * x(1500.0)).abs() < 0.2);
    let refused = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("connection"))
        .nth(3)
        .unwrap();
    assert!(
        refused.children().all(|n| n.tag_name().name() != "rect"),
        "no bar: no answer"
    );
    let labels = texts(&svg);
    for shown in ["SIGINT", "ECONNREFUSED", "exit 0", "#4 GET /"] {
        assert!(
            labels.iter().any(|t| t == shown),
            "{shown:?} missing in {labels:?}"
        );
    }
}

/// One picture for every language: requests, codes, error names and seconds,
/// and not one word to translate.
#[test]
fn a_picture_has_no_words() {
    let allowed = |text: &str| {
        let request = text
            .strip_prefix('#')
            .and_then(|t| t.split_once(" GET /"))
            .is_some_and(|(n, path)| n.parse::<u32>().is_ok() && !path.contains(' '));
        let seconds = text
            .strip_suffix(" s")
            .is_some_and(|n| n.parse::<u32>().is_ok());
        let status = text.len() == 3 && text.parse::<u16>().is_ok();
        let error = text.starts_with('E') && text.chars().all(|c| c.is_ascii_uppercase());
        let exit = text
            .strip_prefix("exit ")
            .is_some_and(|n| n.parse::<i32>().is_ok());
        request || seconds || status || error || exit || text == "SIGINT"
    };
    for run in every_run() {
        let svg = draw(&run);
        for text in texts(&svg) {
            assert!(allowed(&text), "{text:?} would need a translation");
        }
        assert!(!svg.contains("<title"), "a <title> would be English");
    }
}

#[test]
fn the_comment_says_how_to_regenerate_and_stays_valid_xml() {
    let mut run = run("ch07", one_thread());
    run.about.command = "timeline --all --out-dir x".to_string();
    run.step = "step--with--dashes".to_string();
    let svg = draw(&run);
    assert!(svg.contains("Regenerate every picture with ci/timelines.sh"));
    let read_back = read(&svg).expect("two hyphens in a comment are not XML");
    assert_eq!(read_back.about.command, "timeline --all --out-dir x");
}

#[test]
fn a_picture_reads_the_same_in_every_theme() {
    // Its own white background, under everything else.
    let svg = draw(&shutdown());
    let document = roxmltree::Document::parse(&svg).unwrap();
    let first = document
        .root_element()
        .children()
        .find(|n| n.is_element())
        .unwrap();
    assert_eq!(first.tag_name().name(), "rect");
    assert_eq!(first.attribute("fill"), Some("#ffffff"));
    assert_eq!(at(first, "width"), at(document.root_element(), "width"));
}

#[test]
fn each_scenario_accepts_its_behaviour() {
    for run in every_run() {
        let scenario = scenario(&run.scenario).unwrap();
        scenario.check(&run).unwrap();
    }
}

#[track_caller]
fn rejects(name: &str, run: Run) {
    let run = Run {
        scenario: name.to_string(),
        step: scenario(name).unwrap().step.to_string(),
        ..run
    };
    let result = scenario(name).unwrap().check(&run);
    assert!(result.is_err(), "{name} accepted {:?}", run.connections);
}

#[test]
fn each_scenario_rejects_the_other_behaviour() {
    rejects("ch07", run("ch07", thread_each()));
    rejects("ch08", run("ch08", one_thread()));
    rejects("ch10-pool", run("ch10-pool", one_at_a_time()));
    rejects("ch10-while-let", run("ch10-while-let", four_threads()));
    // A pool of three or five is not a pool of four.
    rejects(
        "ch10-pool",
        run(
            "ch10-pool",
            six_and_one([5000, 5200, 5400, 10000, 10200, 10400, 10600]),
        ),
    );
    rejects(
        "ch10-pool",
        run(
            "ch10-pool",
            six_and_one([5000, 5200, 5400, 5600, 5800, 10200, 5400]),
        ),
    );
    // Another scenario's run, or one cut short, is not this one's.
    rejects("ch10-pool", run("ch07", one_thread()));
    let mut short = run("ch07", one_thread());
    short.connections.pop();
    rejects("ch07", short);
}

#[test]
fn the_shutdown_scenario_rejects_a_server_that_stops_at_once_or_keeps_accepting() {
    // Ctrl-C ends the process on the spot: the requests in flight are reset.
    let mut at_once = shutdown();
    for c in &mut at_once.connections[..3] {
        c.outcome = Outcome::Failed {
            error: "ECONNRESET".to_string(),
            at_ms: 1002,
        };
    }
    at_once.exit = Some(Exit {
        at_ms: 1002,
        status: -1,
    });
    rejects("ch11-shutdown", at_once);

    // The port stays open: the late client is answered.
    let mut open = shutdown();
    open.connections[3] = ok("GET /", 1500, 1501);
    rejects("ch11-shutdown", open);

    // The process exits before the last answer, or with a failure.
    let mut early = shutdown();
    early.exit = Some(Exit {
        at_ms: 5100,
        status: 0,
    });
    rejects("ch11-shutdown", early);
    let mut failing = shutdown();
    failing.exit = Some(Exit {
        at_ms: 5405,
        status: 101,
    });
    rejects("ch11-shutdown", failing);
}
