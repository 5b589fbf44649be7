//! The service under test: the real release binary, as an operator would run it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub struct Service {
    child: Child,
    pub base: String,
    /// `/metrics`, unless the run measures the service without them.
    pub metrics: Option<String>,
    /// From spawning the process to the first 200 from `/api/ready`, with migrations already applied.
    pub ready_after: Duration,
}

/// Any 32 bytes will do; the benchmark only needs a stable secret for its own tokens.
const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";

impl Service {
    pub async fn start(
        bin: &str,
        database_url: &str,
        bcrypt_cost: u32,
        log_level: &str,
        metrics: bool,
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let metrics_port = free_port()?;
        let started = Instant::now();
        let mut command = Command::new(bin);
        if metrics {
            command.env("AUTH_METRICS_ADDR", format!("127.0.0.1:{metrics_port}"));
        }
        let child = command
            .env("PORT", port.to_string())
            .env("AUTH_HOST", "127.0.0.1")
            .env("AUTH_DATABASE_URL", database_url)
            .env("AUTH_JWT_SECRET", JWT_SECRET)
            .env("AUTH_BCRYPT_COST", bcrypt_cost.to_string())
            .env("AUTH_LOG_LEVEL", log_level)
            // The benchmark sends the same passwords at high rates on purpose.
            .env("AUTH_LOCKOUT_THRESHOLD", "1000")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {bin}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let ready = format!("{base}/api/ready");
        let mut service = Self {
            child,
            base,
            metrics: metrics.then(|| format!("http://127.0.0.1:{metrics_port}/metrics")),
            ready_after: Duration::ZERO,
        };
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(response) = client.get(&ready).send().await
                && response.status() == 200
            {
                service.ready_after = started.elapsed();
                return Ok(service);
            }
            if let Some(status) = service.child.try_wait()? {
                bail!("auth exited during start-up with {status}");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        service.stop();
        bail!("auth was not ready within 30 s")
    }

    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        self.status_field("VmRSS:")
    }

    /// The kernel's high-water mark of the resident set over the process's whole life.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        self.status_field("VmHWM:")
    }

    fn status_field(&self, field: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .with_context(|| format!("no {field} in /proc/PID/status"))
    }

    pub fn stop(mut self) {
        // SIGTERM and a graceful drain would only add noise here; the process holds nothing to save.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
