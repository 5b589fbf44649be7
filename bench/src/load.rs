//! A closed-loop load generator: `clients` tasks each send a request, wait for its answer, and send the
//! next, for a fixed time after a warm-up. Every answer is checked; a wrong one is counted, never ignored.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// What one client sends next; `seq` lets a workload vary ids per request.
pub type MakeBody = Arc<dyn Fn(usize, u64) -> Value + Send + Sync>;
/// Whether a 200 answer is the right one for this workload.
pub type Check = fn(&Value) -> bool;

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub requests: u64,
    pub wrong: u64,
    pub non_2xx: u64,
    pub elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl Stats {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn error_rate(&self) -> f64 {
        if self.requests == 0 {
            return 1.0;
        }
        (self.wrong + self.non_2xx) as f64 / self.requests as f64
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies_us[rank]) / 1_000.0
    }

    fn merge(&mut self, other: Self) {
        self.requests += other.requests;
        self.wrong += other.wrong;
        self.non_2xx += other.non_2xx;
        self.latencies_us.extend(other.latencies_us);
    }
}

pub struct Load {
    pub client: reqwest::Client,
    pub url: String,
    pub token: Option<String>,
}

impl Load {
    pub async fn run(
        &self,
        clients: usize,
        warmup: Duration,
        duration: Duration,
        body: MakeBody,
        check: Check,
    ) -> Stats {
        let start = Instant::now() + warmup;
        let end = start + duration;
        let tasks: Vec<_> = (0..clients)
            .map(|client_no| {
                let (http, url, token, body) = (
                    self.client.clone(),
                    self.url.clone(),
                    self.token.clone(),
                    body.clone(),
                );
                tokio::spawn(async move {
                    let mut stats = Stats::default();
                    let mut seq = 0_u64;
                    loop {
                        let sent = Instant::now();
                        if sent >= end {
                            break;
                        }
                        let mut request = http.post(&url).json(&body(client_no, seq));
                        if let Some(token) = &token {
                            request = request.bearer_auth(token);
                        }
                        let outcome = match request.send().await {
                            Ok(response) if response.status().is_success() => {
                                match response.json::<Value>().await {
                                    Ok(value) if check(&value) => Outcome::Right,
                                    _ => Outcome::Wrong,
                                }
                            }
                            Ok(_) | Err(_) => Outcome::Non2xx,
                        };
                        seq += 1;
                        // A wrong answer counts whenever it came; it fails the run.
                        match outcome {
                            Outcome::Right => {}
                            Outcome::Wrong => stats.wrong += 1,
                            Outcome::Non2xx => stats.non_2xx += 1,
                        }
                        // Throughput and latency count by when a request completed: counting sends
                        // would credit the window with those still in flight at its end, a client's
                        // worth of slow ones.
                        let done = Instant::now();
                        if done < start || done > end {
                            continue;
                        }
                        stats.requests += 1;
                        let micros = u32::try_from(done.duration_since(sent).as_micros())
                            .unwrap_or(u32::MAX);
                        stats.latencies_us.push(micros);
                    }
                    stats
                })
            })
            .collect();
        let mut total = Stats::default();
        for task in tasks {
            if let Ok(stats) = task.await {
                total.merge(stats);
            }
        }
        total.elapsed = duration;
        total.latencies_us.sort_unstable();
        total
    }
}

enum Outcome {
    Right,
    Wrong,
    Non2xx,
}
