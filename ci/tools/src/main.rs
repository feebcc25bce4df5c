//! `book-tools`: checks and a preview server for the book and its translations.

mod a11y;
mod codecheck;
mod interface;
mod links;
mod po;
mod quiz;
mod rustlex;
mod search;
mod serve;
mod site;
#[cfg(test)]
mod testdir;
mod testrun;

use clap::{CommandFactory, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Checks and a preview server for the book and its translations.
#[derive(Parser, Debug)]
#[command(name = "book-tools")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Every message of each po file is translated, none fuzzy, in step with the pot.
    PoCheck {
        /// The messages of the English book (messages.pot).
        #[arg(long, value_name = "messages.pot")]
        pot: PathBuf,
        #[arg(value_name = "file.po", required = true)]
        po: Vec<PathBuf>,
    },
    /// Prints the translation of one message.
    PoMsgstr {
        #[arg(value_name = "file.po")]
        po: PathBuf,
        /// The message; any text, even one that starts with `-`.
        #[arg(allow_hyphen_values = true)]
        msgid: String,
    },
    /// Writes the catalogue of mdBook's interface strings and the language picker's.
    InterfacePot {
        /// The book's description (book.toml `description`), also translated.
        #[arg(long, allow_hyphen_values = true)]
        description: String,
        #[arg(value_name = "interface.pot")]
        out: PathBuf,
    },
    /// Translates mdBook's interface in the HTML of a translation, from its po file.
    InterfaceApply {
        #[arg(long, value_name = "file.po")]
        po: PathBuf,
        /// The book's description (book.toml `description`), also translated.
        #[arg(long, allow_hyphen_values = true)]
        description: String,
        /// The translation's HTML (build/<language>/html).
        #[arg(value_name = "html_dir")]
        dir: PathBuf,
    },
    /// Writes the catalogue of the quizzes' strings (msgctxt "quiz chNN").
    QuizPot {
        /// The quizzes (src/quizzes).
        #[arg(value_name = "quiz_dir")]
        quizzes: PathBuf,
        #[arg(value_name = "quiz.pot")]
        out: PathBuf,
    },
    /// Translates the quizzes in the HTML of a translation, from its po file.
    QuizApply {
        #[arg(long, value_name = "file.po")]
        po: PathBuf,
        /// The translation's HTML (build/<language>/html).
        #[arg(value_name = "html_dir")]
        dir: PathBuf,
    },
    /// Makes mdbook-quiz's script show its interface in the page's language (theme/interface.js), in place.
    QuizWidget {
        /// mdbook-quiz's script in a built book (build/<language>/html/quiz/quiz-embed.iife.js).
        #[arg(value_name = "quiz-embed.iife.js")]
        script: PathBuf,
    },
    /// Every chapter of a part ends with a quiz of 3 to 6 questions; every tracing answer is proven.
    QuizCheck {
        /// The book's source (src, with SUMMARY.md and quizzes/).
        #[arg(value_name = "src_dir")]
        src: PathBuf,
    },
    /// Code blocks of a translation match the English ones, but for comments and messages.
    CodeCheck {
        #[arg(value_name = "reference_markdown_dir")]
        reference: PathBuf,
        #[arg(value_name = "translated_markdown_dir")]
        translated: PathBuf,
    },
    /// Every internal link and anchor of a built site resolves.
    Links {
        #[arg(value_name = "site_dir")]
        site: PathBuf,
    },
    /// Rebuilds the search index of a built book with its language's rules.
    SearchIndex {
        /// The book's language: en, de or pt-BR.
        #[arg(long, value_name = "code")]
        language: String,
        /// The built book (the directory with searchindex-*.js and the pages).
        #[arg(value_name = "html_dir")]
        dir: PathBuf,
    },
    /// Deletes a translation's files that the root language has with the same bytes; its pages load the root copies.
    ShareAssets {
        #[arg(value_name = "site_dir")]
        site: PathBuf,
        /// The path the site is served from (its `<base href>`s start with it).
        #[arg(long, value_name = "path", default_value = "/")]
        site_root: String,
        /// The translations, each in <site_dir>/<language>/.
        #[arg(value_name = "language", required = true)]
        translations: Vec<String>,
    },
    /// Canonical and hreflang links on every page, sitemap.xml (and robots.txt at a host's root).
    Alternates {
        #[arg(value_name = "site_dir")]
        site: PathBuf,
        /// The public address of the site's root (the first language's book).
        #[arg(long, value_name = "URL")]
        url: String,
        /// The first at the root of <site_dir> (and x-default), each other in <site_dir>/<language>/.
        #[arg(value_name = "language", required = true)]
        languages: Vec<String>,
    },
    /// Fixes what axe-core finds wrong in the markup of mdBook's pages, in place.
    A11yMarkup {
        /// One language's built book (build/<language>/html).
        #[arg(value_name = "book_dir")]
        book: PathBuf,
        /// The book's title in that language, for the pages that have none.
        #[arg(long)]
        title: String,
    },
    /// Serves a directory on 127.0.0.1, rebuilding when watched paths change.
    Serve {
        /// The built site (build/site).
        dir: PathBuf,
        /// [default: $PORT if set and not empty, else 3000]
        #[arg(long)]
        port: Option<u16>,
        /// A file or directory whose changes run --rebuild.
        #[arg(long, value_name = "path", requires = "rebuild")]
        watch: Vec<PathBuf>,
        /// The shell command that rebuilds the served directory.
        #[arg(long, value_name = "shell command", requires = "watch")]
        rebuild: Option<String>,
    },
    /// Runs `cargo test <args>` with several test binaries at once.
    TestSideBySide {
        /// How many test binaries run at once.
        #[arg(long, default_value_t = 4)]
        jobs: usize,
        /// The workspace (the directory cargo runs in).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// What `cargo test` gets: `--workspace --exclude 'ex[0-9]*'`, say.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// Why a command did not succeed (bad command lines are clap's: exit 2).
#[derive(Debug)]
enum Failure {
    /// Something went wrong (missing file, ...): exit 1.
    Error(String),
    /// A check found problems (already printed): exit 1.
    Problems,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Error(message)
    }
}

type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    // Exits 2 with the usage on a bad command line, 0 for --help.
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Error(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Problems) => ExitCode::from(1),
    }
}

fn run(command: Command) -> Outcome {
    match command {
        Command::PoCheck { pot, po } => po_check(&pot, &po),
        Command::PoMsgstr { po, msgid } => po_msgstr(&po, &msgid),
        Command::InterfacePot { description, out } => {
            let pot = interface::pot(&description);
            Ok(std::fs::write(&out, pot).map_err(|e| io_error(&out, &e))?)
        }
        Command::InterfaceApply {
            po,
            description,
            dir,
        } => interface_apply(&po, &description, &dir),
        Command::QuizPot { quizzes, out } => {
            let pot = quiz::pot(&quiz::load(&quizzes)?);
            Ok(std::fs::write(&out, pot).map_err(|e| io_error(&out, &e))?)
        }
        Command::QuizApply { po, dir } => quiz_apply(&po, &dir),
        Command::QuizWidget { script } => quiz_widget(&script),
        Command::QuizCheck { src } => quiz_check(&src),
        Command::CodeCheck {
            reference,
            translated,
        } => code_check(&reference, &translated),
        Command::Links { site } => links_check(&site),
        Command::SearchIndex { language, dir } => search_index(&language, &dir),
        Command::ShareAssets {
            site,
            site_root,
            translations,
        } => share_assets(&site, &site_root, &translations),
        Command::Alternates {
            site,
            url,
            languages,
        } => alternates(&site, &url, &languages),
        Command::A11yMarkup { book, title } => a11y_markup(&book, &title),
        Command::TestSideBySide { jobs, dir, args } => match testrun::run(&dir, &args, jobs)? {
            true => Ok(()),
            false => Err(Failure::Problems),
        },
        Command::Serve {
            dir,
            port,
            watch,
            rebuild,
        } => Ok(serve::run(serve::Options {
            dir,
            port: port
                .map_or_else(port_from_env, Ok)
                .unwrap_or_else(|e| e.exit()),
            watch,
            rebuild,
        })?),
    }
}

/// The port in `$PORT`, or 3000 if it is not set or empty; a bad one is a usage error.
fn port_from_env() -> Result<u16, clap::Error> {
    match std::env::var("PORT") {
        Ok(value) if !value.is_empty() => value.parse().map_err(|_| {
            let message = format!("PORT: `{value}` is not a port number");
            Cli::command().error(clap::error::ErrorKind::InvalidValue, message)
        }),
        _ => Ok(3000),
    }
}

/// Prints the problems (or the success line); `Problems` if there were any.
fn finish(problems: &[String], what: &str, success: &str) -> Outcome {
    if problems.is_empty() {
        println!("{success}");
        return Ok(());
    }
    for problem in problems {
        eprintln!("{problem}");
    }
    let s = if problems.len() == 1 { "" } else { "s" };
    eprintln!("error: {} problem{s} in {what}", problems.len());
    Err(Failure::Problems)
}

fn po_check(pot: &Path, files: &[PathBuf]) -> Outcome {
    let pot_name = pot.display().to_string();
    let pot_entries = po::parse(&read_text(pot)?).map_err(|e| format!("{pot_name}:{e}"))?;
    let pot_name = pot
        .file_name()
        .map_or(pot_name, |n| n.to_string_lossy().into_owned());
    let mut failed = false;
    for file in files {
        let file = file.display().to_string();
        let entries = match po::parse(&read_text(Path::new(&file))?) {
            Ok(entries) => entries,
            Err(e) => {
                eprintln!("{file}:{e}");
                eprintln!("error: {file} is not a valid PO file");
                failed = true;
                continue;
            }
        };
        let report = po::check(&file, &pot_entries, &entries);
        let success = format!(
            "{file}: {} messages, all translated, none fuzzy, in step with {pot_name}",
            report.messages
        );
        failed |= finish(&report.problems, &file, &success).is_err();
    }
    if failed {
        Err(Failure::Problems)
    } else {
        Ok(())
    }
}

fn po_msgstr(file: &Path, msgid: &str) -> Outcome {
    let name = file.display();
    let entries = po::parse(&read_text(file)?).map_err(|e| format!("{name}:{e}"))?;
    let msgstr = po::lookup(&entries, msgid).map_err(|e| format!("{name}: {e}"))?;
    println!("{msgstr}");
    Ok(())
}

fn interface_apply(po: &Path, description: &str, dir: &Path) -> Outcome {
    let name = po.display();
    let text = read_text(po)?;
    let entries = po::parse(&text).map_err(|e| format!("{name}:{e}"))?;
    let catalogue =
        interface::Catalogue::new(&entries, interface::plural_forms(&text), description);
    let pages = interface::apply(dir, &catalogue)?;
    for missing in &catalogue.missing {
        eprintln!("warning: {name}: not translated, shown in English: {missing}");
    }
    let unmatched = catalogue.unmatched();
    for english in &unmatched {
        eprintln!(
            "error: {}: no page shows \"{english}\": did mdBook change its interface? (ci/tools/src/interface.rs)",
            dir.display()
        );
    }
    if !unmatched.is_empty() {
        return Err(Failure::Problems);
    }
    println!(
        "{}: the interface of {pages} pages translated",
        dir.display()
    );
    Ok(())
}

fn quiz_apply(po: &Path, dir: &Path) -> Outcome {
    let name = po.display();
    let entries = po::parse(&read_text(po)?).map_err(|e| format!("{name}:{e}"))?;
    let catalogue = quiz::Catalogue::new(&entries);
    let mut report = quiz::Translated::default();
    let pages = quiz::apply(dir, &catalogue, &mut report)?;
    if let Some(first) = report.unknown.first() {
        eprintln!(
            "warning: {name} lacks {} messages of the quizzes, such as {first}: shown in English (run ci/refresh-po.sh)",
            report.unknown.len()
        );
    }
    println!(
        "{}: the quizzes of {pages} pages translated: {} of {} messages",
        dir.display(),
        report.done,
        report.messages
    );
    Ok(())
}

fn quiz_widget(script: &Path) -> Outcome {
    let js = read_text(script)?;
    let patched = quiz::patch_widget(&js).map_err(|e| format!("{}: {e}", script.display()))?;
    std::fs::write(script, patched).map_err(|e| io_error(script, &e))?;
    println!(
        "{}: the quiz's interface goes through theme/interface.js",
        script.display()
    );
    Ok(())
}

fn quiz_check(src: &Path) -> Outcome {
    let report = quiz::check(src)?;
    let success = format!(
        "{} quizzes, {} questions; the answers of all {} tracing questions proven \
         (compiled with rustc, edition 2024, and run)",
        report.quizzes, report.questions, report.tracing
    );
    finish(&report.problems, "the quizzes", &success)
}

fn code_check(english: &Path, translated: &Path) -> Outcome {
    for dir in [english, translated] {
        if !dir.is_dir() {
            return Err(format!("{}: no such directory", dir.display()).into());
        }
    }
    let report = codecheck::check_dirs(english, translated)?;
    let translated = translated.display().to_string();
    let success = format!(
        "{translated}: {} code blocks in {} files match the English listings, \
         line for line and within their width",
        report.blocks, report.files
    );
    finish(&report.problems, &translated, &success)
}

fn links_check(site: &Path) -> Outcome {
    let report = links::check_site(site)?;
    let site = site.display().to_string();
    let success = format!(
        "{site}: {} links in {} pages resolve",
        report.links, report.pages
    );
    finish(&report.problems, &site, &success)
}

fn search_index(language: &str, dir: &Path) -> Outcome {
    let rules = search::Rules::for_language(language)
        .ok_or_else(|| format!("no search rules for the language `{language}`"))?;
    let report = search::rebuild(dir, rules)?;
    println!(
        "{}: {} ({language}): {} sections, {} words whose term differs from their folded spelling",
        dir.display(),
        report.file,
        report.docs,
        report.lookup
    );
    Ok(())
}

fn share_assets(site: &Path, site_root: &str, translations: &[String]) -> Outcome {
    let report = site::share_assets(site, site_root, translations)?;
    for (language, files, bytes) in &report.languages {
        println!(
            "{language}/: {files} files ({} KB) shared with the root, no longer copied",
            bytes.div_ceil(1000)
        );
    }
    println!("{} pages now load the shared copies", report.pages);
    Ok(())
}

fn alternates(site: &Path, url: &str, languages: &[String]) -> Outcome {
    let report = site::alternates(site, url, languages)?;
    let robots = if report.robots {
        ", robots.txt"
    } else {
        " (no robots.txt: crawlers read it only at the root of a host)"
    };
    println!(
        "{} pages name their translations; sitemap.xml{robots}",
        report.pages
    );
    Ok(())
}

fn a11y_markup(book: &Path, title: &str) -> Outcome {
    let report = a11y::fix_site(book, title)?;
    println!(
        "{}: fixed the markup of {} of {} pages",
        book.display(),
        report.changed,
        report.pages
    );
    Ok(())
}

/// An I/O error in words, without the "(os error 2)".
pub(crate) fn io_error(path: &Path, error: &std::io::Error) -> String {
    let what = match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    format!("{}: {what}", path.display())
}

/// Reads a UTF-8 text file, with the path in the error message.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))
}

/// All files under `dir`, recursively, sorted by path.
pub(crate) fn walk_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            match e.into_io_error() {
                Some(io) => io_error(&path, &io),
                None => format!("{}: a symbolic link loop", path.display()),
            }
        })?;
        if !entry.file_type().is_dir() {
            files.push(entry.into_path());
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("book-tools").chain(args.iter().copied()))
            .map(|cli| cli.command)
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for args in [
            &[][..],
            &["frobnicate"],
            &["po-check", "de.po"],
            &["po-check", "--pot"],
            &["po-check", "--pot", "messages.pot"],
            &["po-check", "--pot", "messages.pot", "--fuzzy", "de.po"],
            &["po-msgstr", "de.po"],
            &["po-msgstr", "de.po", "a", "b"],
            &["code-check", "a", "b", "c"],
            &["quiz-pot", "src/quizzes"],
            &["quiz-apply", "build/de/html"],
            &["quiz-widget"],
            &["quiz-check"],
            &["code-check", "a"],
            &["links", "--x"],
            &["links", "a", "b"],
            &["search-index", "build/de/html"],
            &["search-index", "--language", "de"],
            &["share-assets", "site"],
            &["alternates", "site", "en"],
            &["alternates", "site", "--url", "https://x/"],
            &["a11y-markup", "build/de/html"],
            &["a11y-markup", "--title", "T"],
            &["serve"],
            &["serve", "d", "e"],
            &["serve", "d", "--port", "http"],
            &["serve", "d", "--port", "70000"],
            &["serve", "d", "--watch", "src"],
            &["serve", "d", "--rebuild", "make"],
        ] {
            let error = parse(args).expect_err(&format!("{args:?} was accepted"));
            assert_eq!(error.exit_code(), 2, "{args:?}: {error}");
        }
        assert_eq!(parse(&["--help"]).unwrap_err().exit_code(), 0);
    }

    #[test]
    fn good_command_lines_parse() {
        let Command::PoCheck { pot, po } =
            parse(&["po-check", "--pot=build/m.pot", "de.po", "pt-BR.po"]).unwrap()
        else {
            panic!("not po-check");
        };
        assert_eq!(pot, Path::new("build/m.pot"));
        assert_eq!(po, [Path::new("de.po"), Path::new("pt-BR.po")]);
        // The msgid is any text, even one that looks like an option.
        let Command::PoMsgstr { msgid, .. } = parse(&["po-msgstr", "de.po", "--x y"]).unwrap()
        else {
            panic!("not po-msgstr");
        };
        assert_eq!(msgid, "--x y");
        let Command::Serve {
            dir,
            port,
            watch,
            rebuild,
        } = parse(&[
            "serve",
            "build/site",
            "--port",
            "4000",
            "--watch",
            "src",
            "--watch=po",
            "--rebuild",
            "ci/build.sh",
        ])
        .unwrap()
        else {
            panic!("not serve");
        };
        assert_eq!(dir, Path::new("build/site"));
        assert_eq!(port, Some(4000));
        assert_eq!(watch, [Path::new("src"), Path::new("po")]);
        assert_eq!(rebuild.as_deref(), Some("ci/build.sh"));
    }

    #[test]
    fn missing_files_are_errors() {
        let missing = Path::new("/nonexistent/book-tools");
        let error = |outcome: Outcome| matches!(outcome, Err(Failure::Error(_)));
        assert!(error(po_check(missing, &[PathBuf::from("de.po")])));
        assert!(error(po_msgstr(missing, "x")));
        assert!(error(code_check(missing, missing)));
        assert!(error(links_check(missing)));
        assert!(error(quiz_apply(missing, missing)));
        assert!(error(quiz_widget(missing)));
        assert!(error(quiz_check(missing)));
        assert!(error(search_index("de", missing)));
        assert!(error(search_index("xx", Path::new("."))));
        assert!(error(share_assets(missing, "/", &["de".to_string()])));
        assert!(error(alternates(
            missing,
            "https://x/",
            &["en".to_string()]
        )));
        assert!(error(a11y_markup(missing, "T")));
        assert!(error(run(Command::Serve {
            dir: missing.into(),
            port: Some(0),
            watch: Vec::new(),
            rebuild: None,
        })));
    }
}
