//! `book-tools`: checks and a preview server for the book and its translations.

mod codecheck;
mod links;
mod po;
mod rustlex;
mod serve;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  book-tools po-check --pot <messages.pot> <file.po>...
  book-tools po-msgstr <file.po> <msgid>
  book-tools code-check <reference_markdown_dir> <translated_markdown_dir>
  book-tools links <site_dir>
  book-tools serve <dir> [--port 3000] [--watch <path>]... [--rebuild <shell command>]";

/// Why a command did not succeed.
enum Failure {
    /// Bad command line: exit 2 with the usage text.
    Usage(String),
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    if matches!(args[0].as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let rest = &args[1..];
    let result = match args[0].as_str() {
        "po-check" => po_check(rest),
        "po-msgstr" => po_msgstr(rest),
        "code-check" => code_check(rest),
        "links" => links_check(rest),
        "serve" => serve_cmd(rest),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Error(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Problems) => ExitCode::from(1),
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

fn positional<'a, const N: usize>(
    args: &'a [String],
    names: &str,
) -> Result<[&'a str; N], Failure> {
    if let Some(flag) = args.iter().find(|a| a.starts_with("--")) {
        return Err(Failure::Usage(format!("unknown option `{flag}`")));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    refs.try_into()
        .map_err(|_| Failure::Usage(format!("expected {names}")))
}

/// The value of `--name value` or `--name=value` at `args[*i]`; advances `i`.
fn option_value(args: &[String], i: &mut usize, name: &str) -> Result<Option<String>, Failure> {
    let arg = &args[*i];
    if let Some(value) = arg.strip_prefix(&format!("{name}=")) {
        return Ok(Some(value.to_string()));
    }
    if arg != name {
        return Ok(None);
    }
    *i += 1;
    args.get(*i)
        .cloned()
        .map(Some)
        .ok_or_else(|| Failure::Usage(format!("{name} needs a value")))
}

fn po_check(args: &[String]) -> Outcome {
    let mut pot = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if let Some(value) = option_value(args, &mut i, "--pot")? {
            pot = Some(value);
        } else if args[i].starts_with("--") {
            return Err(Failure::Usage(format!("unknown option `{}`", args[i])));
        } else {
            files.push(args[i].clone());
        }
        i += 1;
    }
    let pot = pot.ok_or_else(|| Failure::Usage("po-check needs --pot <messages.pot>".into()))?;
    if files.is_empty() {
        return Err(Failure::Usage(
            "po-check needs at least one .po file".into(),
        ));
    }
    let pot_entries = po::parse(&read_text(Path::new(&pot))?).map_err(|e| format!("{pot}:{e}"))?;
    let pot_name = Path::new(&pot)
        .file_name()
        .map_or(pot.clone(), |n| n.to_string_lossy().into_owned());
    let mut failed = false;
    for file in &files {
        let entries = match po::parse(&read_text(Path::new(file))?) {
            Ok(entries) => entries,
            Err(e) => {
                eprintln!("{file}:{e}");
                eprintln!("error: {file} is not a valid PO file");
                failed = true;
                continue;
            }
        };
        let report = po::check(file, &pot_entries, &entries);
        let success = format!(
            "{file}: {} messages, all translated, none fuzzy, in step with {pot_name}",
            report.messages
        );
        failed |= finish(&report.problems, file, &success).is_err();
    }
    if failed {
        Err(Failure::Problems)
    } else {
        Ok(())
    }
}

fn po_msgstr(args: &[String]) -> Outcome {
    // No option parsing: the msgid may be any text.
    let [file, msgid] = args else {
        return Err(Failure::Usage("expected <file.po> <msgid>".into()));
    };
    let entries = po::parse(&read_text(Path::new(file))?).map_err(|e| format!("{file}:{e}"))?;
    let msgstr = po::lookup(&entries, msgid).map_err(|e| format!("{file}: {e}"))?;
    println!("{msgstr}");
    Ok(())
}

fn code_check(args: &[String]) -> Outcome {
    let [english, translated] =
        positional(args, "<reference_markdown_dir> <translated_markdown_dir>")?;
    for dir in [english, translated] {
        if !Path::new(dir).is_dir() {
            return Err(format!("{dir}: no such directory").into());
        }
    }
    let report = codecheck::check_dirs(Path::new(english), Path::new(translated))?;
    let success = format!(
        "{translated}: {} code blocks in {} files match the English listings",
        report.blocks, report.files
    );
    finish(&report.problems, translated, &success)
}

fn links_check(args: &[String]) -> Outcome {
    let [site] = positional(args, "<site_dir>")?;
    let report = links::check_site(Path::new(site))?;
    let success = format!(
        "{site}: {} links in {} pages resolve",
        report.links, report.pages
    );
    finish(&report.problems, site, &success)
}

fn parse_port(value: &str, from: &str) -> Result<u16, Failure> {
    value
        .parse()
        .map_err(|_| Failure::Usage(format!("{from}: `{value}` is not a port number")))
}

fn serve_cmd(args: &[String]) -> Outcome {
    let mut dir = None;
    let mut port = None;
    let mut watch = Vec::new();
    let mut rebuild = None;
    let mut i = 0;
    while i < args.len() {
        if let Some(value) = option_value(args, &mut i, "--port")? {
            port = Some(parse_port(&value, "--port")?);
        } else if let Some(value) = option_value(args, &mut i, "--watch")? {
            watch.push(PathBuf::from(value));
        } else if let Some(value) = option_value(args, &mut i, "--rebuild")? {
            rebuild = Some(value);
        } else if args[i].starts_with("--") {
            return Err(Failure::Usage(format!("unknown option `{}`", args[i])));
        } else if dir.is_none() {
            dir = Some(PathBuf::from(&args[i]));
        } else {
            return Err(Failure::Usage(format!("unexpected argument `{}`", args[i])));
        }
        i += 1;
    }
    let dir = dir.ok_or_else(|| Failure::Usage("serve needs the <dir> to serve".into()))?;
    if watch.is_empty() != rebuild.is_none() {
        return Err(Failure::Usage(
            "--watch and --rebuild go together: what to watch and how to rebuild".into(),
        ));
    }
    let port = match (port, std::env::var("PORT")) {
        (Some(port), _) => port,
        (None, Ok(value)) if !value.is_empty() => parse_port(&value, "PORT")?,
        _ => 3000,
    };
    serve::run(serve::Options {
        dir,
        port,
        watch,
        rebuild,
    })?;
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

/// All files under `dir`, recursively, sorted; directories for which `skip_dir` is
/// true are not entered.
pub(crate) fn walk_files(
    dir: &Path,
    skip_dir: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| io_error(&current, &e))?;
        for entry in entries {
            let path = entry.map_err(|e| io_error(&current, &e))?.path();
            if path.is_dir() {
                if !skip_dir(&path) {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        assert!(matches!(
            po_check(&strings(&["de.po"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            po_check(&strings(&["--pot"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            po_msgstr(&strings(&["de.po"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            code_check(&strings(&["a", "b", "c"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            links_check(&strings(&["--x"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            serve_cmd(&strings(&["d", "--port", "http"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            serve_cmd(&strings(&["d", "--watch", "src"])),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    fn missing_files_are_errors() {
        let missing = "/nonexistent/book-tools";
        assert!(matches!(
            po_check(&strings(&["--pot", missing, "de.po"])),
            Err(Failure::Error(_))
        ));
        assert!(matches!(
            po_msgstr(&strings(&[missing, "x"])),
            Err(Failure::Error(_))
        ));
        assert!(matches!(
            code_check(&strings(&[missing, missing])),
            Err(Failure::Error(_))
        ));
        assert!(matches!(
            links_check(&strings(&[missing])),
            Err(Failure::Error(_))
        ));
        assert!(matches!(
            serve_cmd(&strings(&[missing, "--port=0"])),
            Err(Failure::Error(_))
        ));
    }
}
