//! The load benchmark behind `scripts/bench`: starts the release `auth` binary on PostgreSQL, drives it
//! over loopback, and sets each figure beside the machine's own limit measured in the same run (pgbench
//! for the same queries, bcrypt in a tight loop at the same cost), so the ratios compare across machines.
//!
//!   bench --auth-bin target/release/auth --database-url postgres://…/auth_bench --out BENCHMARKS.md

mod limits;
mod load;
mod report;
mod report_file;
mod scraper;
mod service;
mod table;
mod workloads;

use std::time::Duration;

use anyhow::{Context, bail};

use crate::report::Report;
use crate::service::Service;

/// The seed's cost, so that figures compare with the NestJS service.
const BCRYPT_COST: u32 = 10;
const CLIENTS: usize = 32;
const BCRYPT_CLIENTS: usize = 8;
const USERS: usize = 1_000;

struct Args {
    auth_bin: String,
    database_url: String,
    out: String,
    duration: Duration,
    warmup: Duration,
    /// `AUTH_LOG_LEVEL` for the service: its own default, so that the access log is paid for as in
    /// production.
    log_level: String,
    /// `AUTH_METRICS_ADDR` set and `/metrics` scraped, as in production; `--metrics off` measures what
    /// they cost.
    metrics: bool,
}

fn args() -> anyhow::Result<Args> {
    let mut args = Args {
        auth_bin: String::new(),
        database_url: String::new(),
        out: "BENCHMARKS.md".to_owned(),
        duration: Duration::from_secs(15),
        warmup: Duration::from_secs(3),
        log_level: "info".to_owned(),
        metrics: true,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--auth-bin" => args.auth_bin = value,
            "--database-url" => args.database_url = value,
            "--out" => args.out = value,
            "--seconds" => args.duration = Duration::from_secs(value.parse()?),
            "--warmup-seconds" => args.warmup = Duration::from_secs(value.parse()?),
            "--log-level" => args.log_level = value,
            "--metrics" => {
                args.metrics = match value.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => bail!("--metrics takes on or off, not {value}"),
                }
            }
            other => bail!("unknown flag {other}"),
        }
    }
    if args.auth_bin.is_empty() || args.database_url.is_empty() {
        bail!(
            "usage: bench --auth-bin PATH --database-url URL [--out FILE] [--seconds N] \
             [--warmup-seconds N] [--log-level LEVEL] [--metrics on|off]"
        );
    }
    Ok(args)
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut report = Report::new(&args.out);

    report.note("measuring the bcrypt limit");
    report.bcrypt_limit =
        limits::bcrypt_hashes_per_second(BCRYPT_COST, args.duration.min(Duration::from_secs(5)));

    report.note("measuring start-up");
    let mut starts = Vec::new();
    for _ in 0..5 {
        let service = runtime.block_on(Service::start(
            &args.auth_bin,
            &args.database_url,
            BCRYPT_COST,
            &args.log_level,
            args.metrics,
        ))?;
        starts.push(service.ready_after);
        service.stop();
    }
    starts.sort();
    report.start_to_ready = starts[starts.len() / 2];

    let service = runtime.block_on(Service::start(
        &args.auth_bin,
        &args.database_url,
        BCRYPT_COST,
        &args.log_level,
        args.metrics,
    ))?;
    std::thread::sleep(Duration::from_secs(1));
    report.idle_rss_kib = service.rss_kib()?;
    let outcome = runtime.block_on(async {
        let scraper = service.metrics.clone().map(scraper::Scraper::start);
        let outcome = workloads::run_all(&service, &args, &mut report).await;
        if let Some(scraper) = scraper {
            report.scrapes = Some(scraper.finish().await);
        }
        outcome
    });
    report.peak_rss_kib = service.peak_rss_kib()?;
    service.stop();
    outcome?;
    if let Some(scrapes) = &report.scrapes {
        let operations = scrapes.total("graphql_operation_duration_seconds_count");
        if scrapes.failed > 0 || scrapes.answered == 0 || operations < 1.0 {
            bail!(
                "/metrics did not answer with the operation metrics during the run: {} answered, {} failed, {operations} operations counted",
                scrapes.answered,
                scrapes.failed
            );
        }
    }

    report.note("measuring pgbench on the same queries");
    report.pgbench_point =
        limits::pgbench_point_select(&args.database_url, CLIENTS, args.duration)?;
    report.pgbench_list =
        limits::pgbench_thousand_rows(&args.database_url, CLIENTS, args.duration)?;

    report.write(&args)?;
    Ok(())
}
