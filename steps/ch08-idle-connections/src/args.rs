//! The command line: `--pid <server pid> [--addr …] [--counts …] [--save …]`,
//! declared for `clap`, which also writes `--help` and the error messages.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// The most connections the experiment opens: a bounded experiment.
pub const MAX_COUNT: usize = 20_000;

/// Opens idle connections to a server on loopback and reports its threads and memory.
///
/// The connections open in cumulative batches. After each batch the tool reads
/// the server's threads, memory and memory regions, and the kernel's memory for
/// thread stacks and sockets, from /proc. At the end every connection sends one
/// request and reads the answer.
#[derive(Debug, PartialEq, Eq, Parser)]
#[command(
    name = "ch08-idle-connections",
    // `--pid 1 --pid 2` means pid 2, as in most command-line tools.
    args_override_self = true,
    after_help = "Linux only. Run the server and this tool after `ulimit -n 30000`."
)]
pub struct Args {
    /// The server's process id.
    #[arg(long, value_name = "PID", value_parser = parse_pid)]
    pub pid: u32,

    /// Where the server listens; loopback only.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1:7878", value_parser = parse_addr)]
    pub addr: SocketAddr,

    /// Increasing totals of open connections, separated by commas, at most 20000.
    // Spelled `std::vec::Vec` so that clap takes the whole list as one value
    // for `parse_counts`; a plain `Vec` would make it one value per `--counts`.
    #[arg(long, value_name = "LIST", default_value = "100,1000,10000", value_parser = parse_counts)]
    pub counts: std::vec::Vec<usize>,

    /// Also write the report into FILE.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

fn parse_pid(value: &str) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(pid) if pid > 0 => Ok(pid),
        _ => Err("expected a process id (a positive number)".to_string()),
    }
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr = value
        .parse()
        .map_err(|_| "expected an address with a port, like 127.0.0.1:7878".to_string())?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{addr} is not a loopback address: this experiment opens thousands \
             of connections, so it only runs on 127.0.0.0/8 or [::1]"
        ));
    }
    if addr.port() == 0 {
        return Err(format!("{addr} has no port"));
    }
    Ok(addr)
}

fn parse_counts(value: &str) -> Result<Vec<usize>, String> {
    let mut counts: Vec<usize> = Vec::new();
    for part in value.split(',') {
        let count: usize = part
            .trim()
            .parse()
            .map_err(|_| "expected numbers separated by commas, like 100,1000,10000".to_string())?;
        if count == 0 {
            return Err("every count must be at least 1".to_string());
        }
        if count > MAX_COUNT {
            return Err(format!(
                "{count} is more than {MAX_COUNT}, the most this experiment opens"
            ));
        }
        if let Some(&last) = counts.last()
            && count <= last
        {
            return Err(format!(
                "the counts must increase (the connections add up): {count} comes after {last}"
            ));
        }
        counts.push(count);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(line: &str) -> Result<Args, clap::Error> {
        let words = std::iter::once("ch08-idle-connections").chain(line.split_whitespace());
        Args::try_parse_from(words)
    }

    fn run_args(line: &str) -> Args {
        parse(line).unwrap_or_else(|error| panic!("`{line}` gave {error}"))
    }

    fn error(line: &str) -> String {
        match parse(line) {
            Err(error) => error.to_string(),
            Ok(args) => panic!("`{line}` should fail, gave {args:?}"),
        }
    }

    #[test]
    fn the_declaration_is_consistent() {
        Args::command().debug_assert();
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
        // The last one wins.
        assert_eq!(run_args("--pid 1 --pid 2").pid, 2);
        assert_eq!(
            run_args("--pid 1 --counts 1 --counts 2,3").counts,
            vec![2, 3]
        );
    }

    #[test]
    fn help() {
        for line in ["--pid 1 --help", "-h"] {
            let error = parse(line).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{line}");
        }
        let help = Args::command().render_help().to_string();
        for text in [
            "--pid <PID>",
            "[default: 100,1000,10000]",
            "ulimit -n 30000",
        ] {
            assert!(help.contains(text), "{help}");
        }
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
        assert!(error("--pid 1 --addr localhost:7878").contains("expected an address"));
        assert!(error("--pid 1 --addr 127.0.0.1").contains("expected an address"));
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
        assert!(error("--pid 1 --counts=-5").contains("numbers separated by commas"));
    }

    #[test]
    fn refuses_bad_pids_and_unknown_arguments() {
        let missing = |line: &str| parse(line).unwrap_err().kind();
        assert_eq!(missing(""), ErrorKind::MissingRequiredArgument);
        assert_eq!(
            missing("--addr 127.0.0.1:7878"),
            ErrorKind::MissingRequiredArgument
        );
        assert!(error("--pid").contains("a value is required for '--pid <PID>'"));
        assert!(error("--pid abc").contains("process id"));
        assert!(error("--pid 0").contains("process id"));
        assert!(error("--pid 1 --save=").contains("a value is required for '--save <FILE>'"));
        assert!(error("--pid 1 --verbose").contains("unexpected argument '--verbose'"));
        assert!(error("--pid 1 42").contains("unexpected argument '42'"));
        // Every usage error ends like this, and the tool exits with 2.
        assert!(error("--pid 1 42").contains("For more information, try '--help'."));
        assert_eq!(parse("--pid 1 42").unwrap_err().exit_code(), 2);
    }
}
