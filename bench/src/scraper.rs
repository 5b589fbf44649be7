//! Prometheus's part during the run: `/metrics` scraped once a second while the workloads load the
//! service, so that the figures are paid for, and checked, as in production (where the interval is
//! usually 15 s or more).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, watch};

const EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Default, Clone)]
pub struct Scrapes {
    pub answered: u64,
    pub failed: u64,
    pub last: String,
}

impl Scrapes {
    /// The sum of every series of `name` in the last scrape (its `_count` series for a histogram).
    pub fn total(&self, name: &str) -> f64 {
        self.last
            .lines()
            .filter(|line| {
                line.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
            })
            .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
            .sum()
    }
}

pub struct Scraper {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    scrapes: Arc<Mutex<Scrapes>>,
}

impl Scraper {
    pub fn start(url: String) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let scrapes = Arc::new(Mutex::new(Scrapes::default()));
        let task = {
            let scrapes = scrapes.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut every = tokio::time::interval(EVERY);
                loop {
                    tokio::select! {
                        _ = every.tick() => {}
                        _ = stopped.changed() => return,
                    }
                    let answer = match client.get(&url).send().await {
                        Ok(response) if response.status() == 200 => response.text().await.ok(),
                        _ => None,
                    };
                    let mut scrapes = scrapes.lock().await;
                    match answer {
                        Some(text) => {
                            scrapes.answered += 1;
                            scrapes.last = text;
                        }
                        None => scrapes.failed += 1,
                    }
                }
            })
        };
        Self {
            stop,
            task,
            scrapes,
        }
    }

    pub async fn finish(self) -> Scrapes {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        self.scrapes.lock().await.clone()
    }
}
