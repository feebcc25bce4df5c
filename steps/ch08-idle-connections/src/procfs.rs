//! Reading Linux's /proc: a process's threads, memory, memory regions and
//! limits; the kernel's own memory for threads and sockets; and the
//! machine's CPU, memory and kernel. The parsers take the text, so that the
//! tests need no /proc.

use std::fs;
use std::io;

/// What /proc/<pid>/status says about a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// `Threads`: the number of threads.
    pub threads: usize,
    /// `VmRSS`: resident memory, in KiB.
    pub rss_kib: u64,
    /// `VmSize`: virtual memory (the address space reserved), in KiB.
    pub vm_kib: u64,
}

pub fn parse_status(text: &str) -> Result<Status, String> {
    let number = |name: &str| -> Result<u64, String> {
        field(text, name)
            .and_then(|value| value.trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("no `{name}:` line with a number"))
    };
    Ok(Status {
        threads: number("Threads")? as usize,
        rss_kib: number("VmRSS")?,
        vm_kib: number("VmSize")?,
    })
}

/// The value after `name:` on the line that starts with it, trimmed.
pub fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// Memory the kernel keeps for itself, outside any process's VmRSS. These
/// figures are for the whole system (all processes, both ends of every
/// connection), not for one process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kernel {
    /// `KernelStack` in /proc/meminfo: the kernel stacks of all threads, in
    /// KiB. Every thread has one, used while the kernel works for it.
    pub stacks_kib: Option<u64>,
    /// `TCP: inuse` in /proc/net/sockstat: the TCP sockets open.
    pub tcp_sockets: Option<u64>,
    /// `TCP: … mem` in /proc/net/sockstat: pages that TCP sockets hold
    /// for data in their send and receive buffers.
    pub tcp_mem_pages: Option<u64>,
}

pub fn read_kernel() -> Kernel {
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let sockstat = fs::read_to_string("/proc/net/sockstat").unwrap_or_default();
    let (tcp_sockets, tcp_mem_pages) = parse_sockstat_tcp(&sockstat);
    Kernel {
        stacks_kib: parse_kib(&meminfo, "KernelStack"),
        tcp_sockets,
        tcp_mem_pages,
    }
}

/// A size in KiB on a line such as `KernelStack:     1508 kB`.
pub fn parse_kib(text: &str, name: &str) -> Option<u64> {
    field(text, name)?.strip_suffix("kB")?.trim().parse().ok()
}

/// The sockets in use and the pages of memory of the `TCP:` line of
/// /proc/net/sockstat, `TCP: inuse 3 orphan 0 tw 7 alloc 3 mem 79`.
pub fn parse_sockstat_tcp(sockstat: &str) -> (Option<u64>, Option<u64>) {
    let Some(line) = field(sockstat, "TCP") else {
        return (None, None);
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    let value = |name: &str| {
        let at = words.iter().position(|&word| word == name)?;
        words.get(at + 1)?.parse().ok()
    };
    (value("inuse"), value("mem"))
}

/// The size of a memory page in KiB, from the first `KernelPageSize:`
/// line of /proc/self/smaps (4 on most machines).
pub fn read_page_kib() -> Option<u64> {
    let smaps = fs::read_to_string("/proc/self/smaps").ok()?;
    parse_kib(&smaps, "KernelPageSize")
}

/// A soft limit from /proc/<pid>/limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Unlimited,
    Value(u64),
}

impl Limit {
    pub fn allows(self, needed: u64) -> bool {
        match self {
            Limit::Unlimited => true,
            Limit::Value(value) => value >= needed,
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Unlimited => f.write_str("unlimited"),
            Limit::Value(value) => write!(f, "{value}"),
        }
    }
}

/// The soft limit named `name` (such as "Max open files") in the text of
/// /proc/<pid>/limits, whose lines read
/// `Max open files            1024                 1048576              files`.
pub fn parse_soft_limit(text: &str, name: &str) -> Option<Limit> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        match rest.split_whitespace().next()? {
            "unlimited" => Some(Limit::Unlimited),
            soft => soft.parse().ok().map(Limit::Value),
        }
    })
}

/// The CPU model from /proc/cpuinfo (`model name` on x86; other systems
/// name it differently, or not at all).
pub fn parse_cpu_model(cpuinfo: &str) -> Option<String> {
    ["model name", "Model", "cpu model", "Processor"]
        .iter()
        .find_map(|name| field(cpuinfo, name))
        .filter(|model| !model.is_empty())
        .map(|model| model.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The number of lines in /proc/<pid>/maps: the memory mappings of the
/// process, which the kernel limits to vm.max_map_count.
pub fn count_maps(pid: u32) -> io::Result<usize> {
    Ok(fs::read_to_string(format!("/proc/{pid}/maps"))?
        .lines()
        .count())
}

pub fn read_status(pid: u32) -> io::Result<Result<Status, String>> {
    Ok(parse_status(&fs::read_to_string(format!(
        "/proc/{pid}/status"
    ))?))
}

/// A number from a one-line file such as /proc/sys/kernel/threads-max.
pub fn read_number(path: &str) -> Option<u64> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "\
Name:\tch08-thread-per
Umask:\t0022
State:\tS (sleeping)
Tgid:\t4242
VmPeak:\t   12345 kB
VmSize:\t   20716 kB
VmLck:\t       0 kB
VmHWM:\t    2400 kB
VmRSS:\t    2176 kB
RssAnon:\t     128 kB
Threads:\t101
SigQ:\t0/96364
";

    #[test]
    fn parses_status() {
        assert_eq!(
            parse_status(STATUS),
            Ok(Status {
                threads: 101,
                rss_kib: 2176,
                vm_kib: 20716,
            })
        );
    }

    #[test]
    fn status_without_memory_is_an_error() {
        // Kernel threads have no VmRSS line.
        let kernel_thread = "Name:\tkthreadd\nState:\tS (sleeping)\nThreads:\t1\n";
        assert_eq!(
            parse_status(kernel_thread),
            Err("no `VmRSS:` line with a number".to_string())
        );
        assert!(parse_status("").is_err());
        assert!(parse_status("Threads:\tmany\nVmRSS:\t1 kB\nVmSize:\t1 kB\n").is_err());
    }

    const LIMITS: &str = "\
Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max stack size            8388608              unlimited            bytes     
Max processes             96364                96364                processes 
Max open files            1024                 1048576              files     
Max locked memory         8388608              8388608              bytes     
";

    #[test]
    fn parses_soft_limits() {
        assert_eq!(
            parse_soft_limit(LIMITS, "Max open files"),
            Some(Limit::Value(1024))
        );
        assert_eq!(
            parse_soft_limit(LIMITS, "Max processes"),
            Some(Limit::Value(96364))
        );
        assert_eq!(
            parse_soft_limit(LIMITS, "Max cpu time"),
            Some(Limit::Unlimited)
        );
        assert_eq!(parse_soft_limit(LIMITS, "Max nice priority"), None);
        assert_eq!(parse_soft_limit("", "Max open files"), None);
    }

    #[test]
    fn limits_allow() {
        assert!(Limit::Unlimited.allows(u64::MAX));
        assert!(Limit::Value(10_100).allows(10_100));
        assert!(!Limit::Value(1024).allows(10_100));
        assert_eq!(Limit::Value(1024).to_string(), "1024");
        assert_eq!(Limit::Unlimited.to_string(), "unlimited");
    }

    #[test]
    fn parses_machine_files() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\n\
                       model name\t: AMD EPYC  7B13 64-Core Processor\nprocessor\t: 1\n";
        assert_eq!(
            parse_cpu_model(cpuinfo).as_deref(),
            Some("AMD EPYC 7B13 64-Core Processor")
        );
        assert_eq!(parse_cpu_model("processor\t: 0\n"), None);

        let meminfo = "MemTotal:       24683656 kB\nMemFree:        22216704 kB\n\
                       KernelStack:        1508 kB\nHugePages_Total:       0\n";
        assert_eq!(field(meminfo, "MemTotal"), Some("24683656 kB"));
        assert_eq!(field(meminfo, "Mem"), None);
        assert_eq!(parse_kib(meminfo, "KernelStack"), Some(1508));
        assert_eq!(parse_kib(meminfo, "HugePages_Total"), None);
        assert_eq!(parse_kib(meminfo, "SUnreclaim"), None);
    }

    #[test]
    fn parses_sockstat() {
        let sockstat = "sockets: used 17\nTCP: inuse 3 orphan 0 tw 7 alloc 3 mem 79\n\
                        UDP: inuse 0 mem 0\n";
        assert_eq!(parse_sockstat_tcp(sockstat), (Some(3), Some(79)));
        assert_eq!(
            parse_sockstat_tcp("TCP: inuse 20012\n"),
            (Some(20012), None)
        );
        assert_eq!(parse_sockstat_tcp("UDP: inuse 0 mem 0\n"), (None, None));
    }
}
