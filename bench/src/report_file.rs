//! BENCHMARKS.md: hand-written notes around a generated section that each run replaces, stamped with
//! the date, the machine, the commit and the command.

use std::process::Command;

use crate::Args;

const START: &str = "<!-- bench:start (written by scripts/bench; edits inside are overwritten) -->";
const END: &str = "<!-- bench:end -->";

pub fn append(path: &str, args: &Args, table: &str) -> anyhow::Result<()> {
    let section = format!(
        "{START}\n## Latest run\n\n- date: {}\n- machine: {} cores, {}, {} GiB\n- commit: {}\n- command: `scripts/bench` \
         ({} s per workload after {} s of warm-up; the service logs at `{}`, its access log going to \
         /dev/null; metrics {})\n\n{table}\n{END}",
        run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        std::thread::available_parallelism().map_or(1, usize::from),
        cpu_model(),
        memory_gib(),
        run("git", &["rev-parse", "--short", "HEAD"]),
        args.duration.as_secs(),
        args.warmup.as_secs(),
        args.log_level,
        if args.metrics {
            "on, `/metrics` scraped every second"
        } else {
            "off"
        },
    );
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let updated = match (existing.find(START), existing.find(END)) {
        (Some(start), Some(end)) if start < end => {
            format!(
                "{}{section}{}",
                &existing[..start],
                &existing[end + END.len()..]
            )
        }
        _ => format!("{existing}\n{section}\n"),
    };
    std::fs::write(path, updated)?;
    Ok(())
}

fn run(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn memory_gib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024 / 1024)
}
