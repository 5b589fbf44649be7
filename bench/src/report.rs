//! The figures of one run, each beside its limit as a ratio, printed and written to BENCHMARKS.md.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::bail;

use crate::load::Stats;
use crate::scraper::Scrapes;
use crate::table::{self, Align};
use crate::{Args, BCRYPT_CLIENTS, BCRYPT_COST, CLIENTS};

pub struct Report {
    out: String,
    pub bcrypt_limit: f64,
    pub start_to_ready: Duration,
    pub idle_rss_kib: u64,
    pub peak_rss_kib: u64,
    pub pgbench_point: f64,
    pub pgbench_list: f64,
    seeded: Option<(usize, Duration)>,
    workloads: Vec<(String, Stats)>,
    /// What `/metrics` answered while the workloads ran.
    pub scrapes: Option<Scrapes>,
}

impl Report {
    pub fn new(out: &str) -> Self {
        Self {
            out: out.to_owned(),
            bcrypt_limit: 0.0,
            start_to_ready: Duration::ZERO,
            idle_rss_kib: 0,
            peak_rss_kib: 0,
            pgbench_point: 0.0,
            pgbench_list: 0.0,
            seeded: None,
            workloads: Vec::new(),
            scrapes: None,
        }
    }

    #[allow(
        clippy::print_stderr,
        reason = "progress for the person waiting on the run"
    )]
    pub fn note(&self, what: &str) {
        eprintln!("bench: {what}");
    }

    pub fn seed(&mut self, users: usize, elapsed: Duration) {
        self.seeded = Some((users, elapsed));
    }

    pub fn workload(&mut self, name: &str, stats: Stats) {
        self.workloads.push((name.to_owned(), stats));
    }

    fn stats(&self, name: &str) -> Option<&Stats> {
        self.workloads
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
    }

    fn rps(&self, name: &str) -> f64 {
        self.stats(name).map_or(0.0, Stats::per_second)
    }

    fn p99(&self, name: &str) -> f64 {
        self.stats(name).map_or(f64::NAN, |s| s.percentile_ms(0.99))
    }

    /// (what, measured, limit or reference, ratio, target, met)
    fn targets(&self) -> Vec<(String, String, String, f64, String, bool)> {
        let create_rate = self.seeded.map_or(0.0, |(n, d)| n as f64 / d.as_secs_f64());
        let ratio_row =
            |what: &str, value: f64, unit: &str, limit: f64, limit_what: &str, target: f64| {
                let ratio = value / limit;
                (
                    what.to_owned(),
                    format!("{value:.0} {unit}"),
                    format!("{limit:.0} ({limit_what})"),
                    ratio,
                    format!("≥ {target:.2}"),
                    ratio >= target,
                )
            };
        let mut rows = vec![
            ratio_row(
                "user(id)",
                self.rps("user(id)"),
                "req/s",
                self.pgbench_point,
                "pgbench point select TPS",
                // Raised from 0.25 by the performance issue: about ten times the NestJS service.
                0.30,
            ),
            ratio_row(
                "users(first: 1000)",
                self.rps("users(first: 1000)"),
                "req/s",
                self.pgbench_list,
                "pgbench 1,000-row TPS",
                0.30,
            ),
            ratio_row(
                "sign-ups (create)",
                create_rate,
                "/s",
                self.bcrypt_limit,
                "bcrypt hashes/s",
                0.90,
            ),
            ratio_row(
                "upsertUser, no change",
                self.rps("upsertUser, no change (1 bcrypt verify)"),
                "req/s",
                self.bcrypt_limit,
                "bcrypt hashes/s",
                0.90,
            ),
        ];
        let alone_p99 = self.p99("user(id)");
        let mixed_p99 = self.p99("mixed: user(id)");
        let p99_ratio = mixed_p99 / alone_p99;
        rows.push((
            "mixed: user(id) p99".to_owned(),
            format!("{mixed_p99:.2} ms"),
            format!("{alone_p99:.2} ms (alone)"),
            p99_ratio,
            "≤ 3.00".to_owned(),
            p99_ratio <= 3.0,
        ));
        rows.push(ratio_row(
            "mixed: user(id) throughput",
            self.rps("mixed: user(id)"),
            "req/s",
            self.rps("user(id)"),
            "user(id) alone",
            0.5,
        ));
        let mib = |kib: u64| kib as f64 / 1024.0;
        rows.push((
            "idle RSS".to_owned(),
            format!("{:.1} MiB", mib(self.idle_rss_kib)),
            "20 MiB".to_owned(),
            mib(self.idle_rss_kib) / 20.0,
            "≤ 1.00".to_owned(),
            mib(self.idle_rss_kib) <= 20.0,
        ));
        rows.push((
            "peak RSS (whole run)".to_owned(),
            format!("{:.1} MiB", mib(self.peak_rss_kib)),
            "64 MiB".to_owned(),
            mib(self.peak_rss_kib) / 64.0,
            "≤ 1.00".to_owned(),
            mib(self.peak_rss_kib) <= 64.0,
        ));
        let ready_ms = self.start_to_ready.as_secs_f64() * 1_000.0;
        rows.push((
            "start to ready (median of 5)".to_owned(),
            format!("{ready_ms:.0} ms"),
            "150 ms".to_owned(),
            ready_ms / 150.0,
            "≤ 1.00".to_owned(),
            ready_ms <= 150.0,
        ));
        rows
    }

    #[allow(clippy::print_stdout, reason = "the table is the command's output")]
    pub fn write(&self, args: &Args) -> anyhow::Result<()> {
        let rows: Vec<Vec<String>> = self
            .workloads
            .iter()
            .map(|(name, s)| {
                let clients = if name.contains("mixed: upsert") {
                    BCRYPT_CLIENTS
                } else {
                    CLIENTS
                };
                vec![
                    name.clone(),
                    clients.to_string(),
                    format!("{:.0}", s.per_second()),
                    format!("{:.2}", s.percentile_ms(0.5)),
                    format!("{:.2}", s.percentile_ms(0.99)),
                    format!("{:.2} %", s.error_rate() * 100.0),
                    s.wrong.to_string(),
                    s.non_2xx.to_string(),
                ]
            })
            .collect();
        let mut text = table::markdown(
            &[
                ("workload", Align::Left),
                ("clients", Align::Right),
                ("req/s", Align::Right),
                ("p50 ms", Align::Right),
                ("p99 ms", Align::Right),
                ("error rate", Align::Right),
                ("wrong", Align::Right),
                ("non-2xx", Align::Right),
            ],
            &rows,
        );
        if let Some((n, d)) = self.seeded {
            let _ = writeln!(
                text,
                "\nSeeding: {n} users through `upsertUser` in {:.1} s ({:.0} sign-ups/s).",
                d.as_secs_f64(),
                n as f64 / d.as_secs_f64()
            );
        }
        let _ = writeln!(
            text,
            "\nLimits measured in the same run: bcrypt {:.0} hashes/s at cost {BCRYPT_COST} on all cores; pgbench (prepared, {CLIENTS} clients) {:.0} TPS point select, {:.0} TPS 1,000-row select.",
            self.bcrypt_limit, self.pgbench_point, self.pgbench_list
        );
        if let Some(scrapes) = &self.scrapes {
            let _ = writeln!(
                text,
                "\nMetrics on (`AUTH_METRICS_ADDR`), `/metrics` scraped every second during the workloads: {} answered, {} failed. The last scrape counted {:.0} GraphQL operations, {:.0} store calls and {:.0} bcrypt runs.",
                scrapes.answered,
                scrapes.failed,
                scrapes.total("graphql_operation_duration_seconds_count"),
                scrapes.total("db_call_duration_seconds_count"),
                scrapes.total("bcrypt_duration_seconds_count"),
            );
        }
        let targets: Vec<Vec<String>> = self
            .targets()
            .into_iter()
            .map(|(what, measured, against, ratio, target, met)| {
                let met = if met { "yes" } else { "**no**" };
                vec![
                    what,
                    measured,
                    against,
                    format!("{ratio:.2}"),
                    target,
                    met.to_owned(),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table::markdown(
            &[
                ("target", Align::Left),
                ("measured", Align::Right),
                ("against", Align::Right),
                ("ratio", Align::Right),
                ("target", Align::Right),
                ("met", Align::Center),
            ],
            &targets,
        ));
        println!("{text}");
        crate::report_file::append(&self.out, args, &text)?;
        let broken: Vec<_> = self
            .workloads
            .iter()
            .filter(|(_, s)| !s.is_clean())
            .map(|(n, s)| {
                format!(
                    "{n}: {} wrong, {} non-2xx of {}",
                    s.wrong, s.non_2xx, s.requests
                )
            })
            .collect();
        if !broken.is_empty() {
            bail!("workloads answered wrongly: {}", broken.join("; "));
        }
        Ok(())
    }
}
