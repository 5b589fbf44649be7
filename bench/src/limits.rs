//! The machine's own limits, measured in the same run as the service: what the service's figures are
//! divided by.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// bcrypt hashes per second at `cost` with every core busy, in a tight loop of the crate the service
/// uses: the most any bcrypt-bound endpoint could do.
pub fn bcrypt_hashes_per_second(cost: u32, duration: Duration) -> f64 {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let started = Instant::now();
    let workers: Vec<_> = (0..cores)
        .map(|_| {
            std::thread::spawn(move || {
                let mut hashes = 0_u64;
                while started.elapsed() < duration {
                    if bcrypt::hash("MyPassword1!", cost).is_ok() {
                        hashes += 1;
                    }
                }
                hashes
            })
        })
        .collect();
    let total: u64 = workers.into_iter().map(|w| w.join().unwrap_or(0)).sum();
    total as f64 / started.elapsed().as_secs_f64()
}

const COLUMNS: &str = "id, email, password_hash, password_version, created_at, updated_at";

/// pgbench TPS for the service's `user(id)` query: one row by primary key, prepared.
pub fn pgbench_point_select(url: &str, clients: usize, duration: Duration) -> anyhow::Result<f64> {
    pgbench(
        url,
        clients,
        duration,
        &format!("\\set id random(1, 1000)\nSELECT {COLUMNS} FROM users WHERE id = :id;\n"),
    )
}

/// pgbench TPS for `users(first: 1000)`: the first 1,000 rows in id order, prepared.
pub fn pgbench_thousand_rows(url: &str, clients: usize, duration: Duration) -> anyhow::Result<f64> {
    pgbench(
        url,
        clients,
        duration,
        &format!("SELECT {COLUMNS} FROM users WHERE id > 0 ORDER BY id LIMIT 1000;\n"),
    )
}

fn pgbench(url: &str, clients: usize, duration: Duration, script: &str) -> anyhow::Result<f64> {
    let file = std::env::temp_dir().join(format!("jobber-auth-bench-{}.sql", std::process::id()));
    std::fs::write(&file, script)?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared"])
        .args(["-c", &clients.to_string(), "-j", &threads.to_string()])
        .args(["-T", &duration.as_secs().to_string()])
        .arg("-f")
        .arg(&file)
        .arg(url)
        .output()
        .context("could not run pgbench (it ships with the PostgreSQL server; Debian: apt-get install postgresql)")?;
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // "tps = 41234.567890 (without initial connection time)"
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .with_context(|| format!("no tps line in pgbench's output:\n{stdout}"))
}
