//! The committed pictures, `src/img/timeline-*.svg`: each is a picture of
//! a real run of its scenario, drawn exactly as the code draws it now, whose
//! timings show what its chapter says, and the chapter shows it.
//!
//! The exact times vary from run to run, so the tests check the chapters'
//! points with wide margins ([`timeline::Scenario::check`]). After changing
//! the drawing, a scenario or a step, regenerate them with `ci/timelines.sh`.

use std::fs;
use std::path::{Path, PathBuf};

use timeline::{SCENARIOS, Scenario};

const REGENERATE: &str = "regenerate the pictures with ci/timelines.sh";

fn book_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src")
}

fn picture(scenario: &Scenario) -> (PathBuf, String) {
    let path = book_src().join(format!("img/timeline-{}.svg", scenario.name));
    let svg = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; {REGENERATE}", path.display()));
    (path, svg)
}

#[test]
fn every_picture_shows_its_chapters_point() {
    for scenario in SCENARIOS {
        let (path, svg) = picture(scenario);
        let run = timeline::read(&svg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(e) = scenario.check(&run) {
            panic!("{}: {e}; {REGENERATE}", path.display());
        }
    }
}

#[test]
fn every_picture_is_what_the_code_draws_now() {
    for scenario in SCENARIOS {
        let (path, svg) = picture(scenario);
        let run = timeline::read(&svg).unwrap();
        assert!(
            timeline::draw(&run) == svg,
            "{} is stale: the code draws its data differently now; {REGENERATE}",
            path.display()
        );
    }
}

#[test]
fn every_picture_says_where_and_when_it_was_made() {
    for scenario in SCENARIOS {
        let (path, svg) = picture(scenario);
        let about = timeline::read(&svg).unwrap().about;
        let name = path.display();
        humantime::parse_rfc3339(&about.date)
            .unwrap_or_else(|e| panic!("{name}: the date {:?}: {e}", about.date));
        assert!(
            about.command.starts_with("timeline "),
            "{name}: the command"
        );
        assert!(
            !about.cpu.is_empty() && about.cores > 0,
            "{name}: the machine"
        );
        assert!(!about.kernel.is_empty(), "{name}: the kernel");
        assert!(
            svg.contains("ci/timelines.sh"),
            "{name}: how to regenerate it"
        );
    }
}

#[test]
fn every_picture_is_in_its_chapter_and_no_other_is_left_over() {
    let chapters: Vec<(String, String)> = fs::read_dir(book_src())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    for scenario in SCENARIOS {
        // `ch10-pool` goes into `ch10-….md`.
        let chapter = &scenario.name[..4];
        let link = format!("](img/timeline-{}.svg)", scenario.name);
        let showing: Vec<&str> = (chapters.iter())
            .filter(|(_, text)| text.contains(&link))
            .map(|(name, _)| name.as_str())
            .collect();
        assert!(
            showing.len() == 1 && showing[0].starts_with(&format!("{chapter}-")),
            "timeline-{}.svg should be shown once, in chapter {chapter}, not in {showing:?}",
            scenario.name
        );
    }
    for entry in fs::read_dir(book_src().join("img")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix("timeline-") {
            let scenario = rest.strip_suffix(".svg").unwrap_or(rest);
            assert!(
                timeline::scenario(scenario).is_some(),
                "src/img/{name} belongs to no scenario: delete it"
            );
        }
    }
}
