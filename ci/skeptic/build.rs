//! Generates one test per Rust code block of the Markdown that mdBook rendered
//! for each language (`build/<language>/markdown/`, written by `ci/build.sh`),
//! so that the listings are compiled exactly as readers of that language see
//! them: included from `steps/`, with translated comments and messages.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let build = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../build");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("markdown");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).unwrap();

    let mut languages: Vec<PathBuf> = fs::read_dir(&build)
        .unwrap_or_else(|_| panic!("{} is missing: run ci/build.sh first", build.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| dir.join("markdown").is_dir())
        .collect();
    languages.sort();
    assert!(
        !languages.is_empty(),
        "no build/<language>/markdown: run ci/build.sh first"
    );

    // skeptic names its tests after the file: `de_ch01_listen_…`. Copies with
    // the language in front keep the languages apart.
    let mut pages = Vec::new();
    for dir in &languages {
        let language = dir.file_name().unwrap().to_string_lossy().replace('-', "_");
        let markdown = dir.join("markdown");
        println!("cargo:rerun-if-changed={}", markdown.display());
        for entry in fs::read_dir(&markdown).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "md") {
                println!("cargo:rerun-if-changed={}", path.display());
                let name = format!("{language}_{}", path.file_name().unwrap().to_string_lossy());
                let copy = out.join(name);
                let markdown = fs::read_to_string(&path).unwrap();
                fs::write(&copy, with_main(&markdown)).unwrap();
                pages.push(copy.to_string_lossy().into_owned());
            }
        }
    }
    pages.sort();
    skeptic::generate_doc_tests(&pages);
}

/// Adds a hidden, empty `fn main` to every Rust block that has none, as
/// rustdoc does: a listing of a library (`src/lib.rs`) is items only, and
/// skeptic compiles each block as a program.
fn with_main(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_rust = false;
    let mut has_main = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if !in_rust && trimmed.starts_with("```rust") {
            in_rust = true;
            has_main = false;
        } else if in_rust && trimmed.starts_with("```") {
            if !has_main {
                out.push_str("# fn main() {}\n");
            }
            in_rust = false;
        } else if in_rust && line.contains("fn main(") {
            has_main = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
