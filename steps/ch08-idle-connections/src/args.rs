//! The command line: `--pid <server pid> [--addr …] [--counts …] [--save …]`.

use std::net::SocketAddr;
use std::path::PathBuf;

pub const USAGE: &str = "usage: ch08-idle-connections --pid <server pid> [--addr 127.0.0.1:7878] \
[--counts 100,1000,10000] [--save <file>]";

pub const HELP: &str = "\
Opens idle connections to a server on loopback, in cumulative batches, and
reports the server's threads and memory (from /proc/<pid>/status) after each.
At the end every connection sends one request and reads the answer.

  --pid <pid>        the server's process id (required)
  --addr <address>   where the server listens; loopback only (default 127.0.0.1:7878)
  --counts <list>    increasing totals of open connections, at most 20000
                     (default 100,1000,10000)
  --save <file>      also write the report into <file>

Linux only. Run the server and this tool after `ulimit -n 30000`.";

pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";
pub const DEFAULT_COUNTS: [usize; 3] = [100, 1_000, 10_000];
/// The most connections the experiment opens: a bounded experiment.
pub const MAX_COUNT: usize = 20_000;

#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    pub pid: u32,
    pub addr: SocketAddr,
    pub counts: Vec<usize>,
    pub save: Option<PathBuf>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run(Args),
    Help,
}

/// Parses the arguments after the program name. The error is one sentence.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut pid = None;
    let mut addr = parse_addr(DEFAULT_ADDR)?;
    let mut counts = DEFAULT_COUNTS.to_vec();
    let mut save = None;

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Both `--pid 42` and `--pid=42`.
        let (name, inline_value) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_string(), Some(value)),
            _ => (arg.clone(), None),
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--pid" | "--addr" | "--counts" | "--save" => {
                let value = match inline_value.map(str::to_string).or_else(|| args.next()) {
                    Some(value) => value,
                    None => return Err(format!("{name} needs a value")),
                };
                match name.as_str() {
                    "--pid" => pid = Some(parse_pid(&value)?),
                    "--addr" => addr = parse_addr(&value)?,
                    "--counts" => counts = parse_counts(&value)?,
                    _ => {
                        if value.is_empty() {
                            return Err("--save needs a file name".to_string());
                        }
                        save = Some(PathBuf::from(value));
                    }
                }
            }
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }

    let pid = pid.ok_or("--pid is missing: give the process id of the running server")?;
    Ok(Command::Run(Args {
        pid,
        addr,
        counts,
        save,
    }))
}

fn parse_pid(value: &str) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(pid) if pid > 0 => Ok(pid),
        _ => Err(format!(
            "--pid expects a process id (a positive number), not `{value}`"
        )),
    }
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr = value.parse().map_err(|_| {
        format!("--addr expects an address with a port, like 127.0.0.1:7878, not `{value}`")
    })?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "--addr {addr} is not a loopback address: this experiment opens thousands \
             of connections, so it only runs on 127.0.0.0/8 or [::1]"
        ));
    }
    if addr.port() == 0 {
        return Err(format!("--addr {addr} has no port"));
    }
    Ok(addr)
}

fn parse_counts(value: &str) -> Result<Vec<usize>, String> {
    let mut counts: Vec<usize> = Vec::new();
    for part in value.split(',') {
        let part = part.trim();
        let count: usize = part.parse().map_err(|_| {
            format!(
                "--counts expects numbers separated by commas, like 100,1000,10000, not `{value}`"
            )
        })?;
        if count == 0 {
            return Err("--counts: every count must be at least 1".to_string());
        }
        if count > MAX_COUNT {
            return Err(format!(
                "--counts: {count} is more than {MAX_COUNT}, the most this experiment opens"
            ));
        }
        if let Some(&last) = counts.last()
            && count <= last
        {
            return Err(format!(
                "--counts must increase (the connections add up): {count} comes after {last}"
            ));
        }
        counts.push(count);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(str::to_string))
    }

    fn run_args(line: &str) -> Args {
        match parse_words(line) {
            Ok(Command::Run(args)) => args,
            other => panic!("`{line}` gave {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        match parse_words(line) {
            Err(message) => message,
            other => panic!("`{line}` should fail, gave {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let args = run_args("--pid 42");
        assert_eq!(args.pid, 42);
        assert_eq!(args.addr, "127.0.0.1:7878".parse().unwrap());
        assert_eq!(args.counts, vec![100, 1000, 10_000]);
        assert_eq!(args.save, None);
    }

    #[test]
    fn every_option() {
        let args = run_args("--pid=7 --addr [::1]:8080 --counts 10,20,30 --save out.txt");
        assert_eq!(args.pid, 7);
        assert_eq!(args.addr, "[::1]:8080".parse().unwrap());
        assert_eq!(args.counts, vec![10, 20, 30]);
        assert_eq!(args.save, Some(PathBuf::from("out.txt")));
        assert_eq!(
            run_args("--pid 1 --addr 127.1.2.3:7878").addr,
            "127.1.2.3:7878".parse().unwrap()
        );
        assert_eq!(run_args("--pid 1 --counts 20000").counts, vec![20_000]);
    }

    #[test]
    fn help() {
        assert_eq!(parse_words("--pid 1 --help"), Ok(Command::Help));
        assert_eq!(parse_words("-h"), Ok(Command::Help));
    }

    #[test]
    fn refuses_addresses_off_loopback() {
        for addr in [
            "10.0.0.1:7878",
            "0.0.0.0:7878",
            "[::]:7878",
            "192.168.1.2:80",
        ] {
            let message = error(&format!("--pid 1 --addr {addr}"));
            assert!(message.contains("not a loopback address"), "{message}");
        }
        assert!(error("--pid 1 --addr localhost:7878").contains("expects an address"));
        assert!(error("--pid 1 --addr 127.0.0.1").contains("expects an address"));
        assert!(error("--pid 1 --addr 127.0.0.1:0").contains("no port"));
    }

    #[test]
    fn refuses_too_many_connections() {
        let message = error("--pid 1 --counts 100,20001");
        assert!(message.contains("20001 is more than 20000"), "{message}");
    }

    #[test]
    fn refuses_counts_that_do_not_increase() {
        let message = error("--pid 1 --counts 100,1000,500");
        assert!(message.contains("must increase"), "{message}");
        assert!(error("--pid 1 --counts 100,100").contains("must increase"));
        assert!(error("--pid 1 --counts 0,10").contains("at least 1"));
        assert!(error("--pid 1 --counts 10,,20").contains("numbers separated by commas"));
        assert!(error("--pid 1 --counts -5").contains("numbers separated by commas"));
    }

    #[test]
    fn refuses_bad_pids_and_unknown_arguments() {
        assert!(error("").contains("--pid is missing"));
        assert!(error("--addr 127.0.0.1:7878").contains("--pid is missing"));
        assert!(error("--pid").contains("--pid needs a value"));
        assert!(error("--pid abc").contains("process id"));
        assert!(error("--pid 0").contains("process id"));
        assert!(error("--pid -3").contains("process id"));
        assert!(error("--pid 1 --verbose").contains("unknown argument `--verbose`"));
        assert!(error("--pid 1 42").contains("unknown argument `42`"));
    }
}
