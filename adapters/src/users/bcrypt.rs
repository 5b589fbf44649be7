//! `PasswordHasher` on bcrypt.
//!
//! bcrypt is CPU-bound by design (about 250 ms at cost 12), so each call runs on tokio's blocking pool and a
//! semaphore caps how many run at once, by default at the core count. Queries keep their executor threads
//! while sign-ups saturate the CPU, and excess hashing waits in an async queue instead of occupying threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use application::users::ports::{HashError, PasswordHasher};
use async_trait::async_trait;
use domain::{Password, PasswordHash};
use tokio::sync::{OnceCell, Semaphore};
use tracing::Instrument;

/// bcrypt's own bounds on the cost parameter.
pub const MIN_COST: u32 = 4;
pub const MAX_COST: u32 = 31;
/// OWASP's long-standing floor for bcrypt; the seed used 10.
pub const DEFAULT_COST: u32 = 12;

#[derive(Debug, Clone)]
pub struct BcryptHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// A hash at this hasher's cost of a password no account has, for `verify_against_dummy`; made on
    /// first use (or by `prepare_dummy`), so start-up does not wait for a bcrypt run.
    dummy: Arc<OnceCell<PasswordHash>>,
    /// A moving average of how long a hash or verify call has lately taken, queueing included, in
    /// nanoseconds; 0 until the first one ends (start-up's `prepare_dummy` is the first). Hash and verify
    /// cost the same at one cost; verifies of hashes made at an older cost pull the average their way.
    recent_nanos: Arc<AtomicU64>,
}

#[derive(Debug, thiserror::Error)]
#[error("bcrypt cost must be between {MIN_COST} and {MAX_COST}, got {0}")]
pub struct InvalidCost(pub u32);

impl BcryptHasher {
    /// `max_concurrent` of 0 means one per available core.
    pub fn try_new(cost: u32, max_concurrent: usize) -> Result<Self, InvalidCost> {
        if !(MIN_COST..=MAX_COST).contains(&cost) {
            return Err(InvalidCost(cost));
        }
        let permits = if max_concurrent == 0 {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            max_concurrent
        };
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(permits)),
            dummy: Arc::new(OnceCell::new()),
            recent_nanos: Arc::new(AtomicU64::new(0)),
        })
    }

    pub fn cost(&self) -> u32 {
        self.cost
    }

    /// Makes the dummy hash now, so that the first login to an unknown email costs what later ones do.
    ///
    /// # Errors
    /// When hashing fails.
    pub async fn prepare_dummy(&self) -> Result<(), HashError> {
        self.dummy_hash().await.map(|_| ())
    }

    async fn dummy_hash(&self) -> Result<&PasswordHash, HashError> {
        self.dummy
            .get_or_try_init(|| async {
                let cost = self.cost;
                self.run_blocking("hash", move || {
                    bcrypt::hash("no account has this password", cost)
                        .map(PasswordHash::new)
                        .map_err(|e| HashError::Unexpected(e.into()))
                })
                .await
            })
            .await
    }

    /// How long a verify has lately taken, for `wait_as_long_as_verify`.
    pub fn recent_verify_time(&self) -> Duration {
        Duration::from_nanos(self.recent_nanos.load(Ordering::Relaxed))
    }

    fn record_time(&self, took: Duration) {
        let took = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        // An average over about the last eight calls: it follows load without jumping on one outlier.
        // Racing updates may drop one sample, which an average can afford.
        let old = self.recent_nanos.load(Ordering::Relaxed);
        let new = if old == 0 {
            took
        } else {
            old - old / 8 + took / 8
        };
        self.recent_nanos.store(new, Ordering::Relaxed);
    }

    async fn run_blocking<T, F>(&self, operation: &'static str, work: F) -> Result<T, HashError>
    where
        F: FnOnce() -> Result<T, HashError> + Send + 'static,
        T: Send + 'static,
    {
        let started = Instant::now();
        let outcome = self.run_blocking_untimed(operation, work).await;
        self.record_time(started.elapsed());
        outcome
    }

    async fn run_blocking_untimed<T, F>(
        &self,
        operation: &'static str,
        work: F,
    ) -> Result<T, HashError>
    where
        F: FnOnce() -> Result<T, HashError> + Send + 'static,
        T: Send + 'static,
    {
        let waiting = Counted::new(WAITING);
        // Owned, and moved into the blocking task: a caller that goes away (a client that
        // disconnects) stops waiting for the hash, but the hash runs on, holding its place and
        // counted as running until it ends.
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| HashError::Unexpected(e.into()))?;
        drop(waiting);
        let running = Counted::new(IN_FLIGHT);
        // Under a request only: start-up's dummy hash is no trace of its own.
        let span = if tracing::Span::current().is_none() {
            tracing::Span::none()
        } else {
            tracing::debug_span!("bcrypt", otel.name = operation_name(operation), operation)
        };
        tokio::task::spawn_blocking(move || {
            let _held = (permit, running);
            let _entered = span.enter();
            let started = Instant::now();
            let outcome = work();
            metrics::histogram!(DURATION, "operation" => operation).record(started.elapsed());
            outcome
        })
        .in_current_span()
        .await
        .map_err(|e| HashError::Unexpected(e.into()))?
    }
}

/// Runs waiting for a place, and running, now; a run that is cancelled leaves both, as it leaves the
/// queue.
const WAITING: &str = "bcrypt_runs_waiting";
const IN_FLIGHT: &str = "bcrypt_runs_in_flight";
/// How long bcrypt itself took, on its thread, without the wait for a place.
const DURATION: &str = "bcrypt_duration_seconds";

fn operation_name(operation: &'static str) -> &'static str {
    if operation == "hash" {
        "bcrypt hash"
    } else {
        "bcrypt verify"
    }
}

/// One unit of a gauge for as long as it lives.
struct Counted(metrics::Gauge);

impl Counted {
    fn new(name: &'static str) -> Self {
        let gauge = metrics::gauge!(name);
        gauge.increment(1.0);
        Self(gauge)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let password = password.clone();
        let cost = self.cost;
        self.run_blocking("hash", move || {
            // The non-truncating variant is a second line of defence behind the domain's 71-byte rule.
            bcrypt::non_truncating_hash(password.expose(), cost)
                .map(PasswordHash::new)
                .map_err(|e| HashError::Unexpected(e.into()))
        })
        .await
    }

    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError> {
        let password = password.clone();
        let hash = hash.clone();
        self.run_blocking("verify", move || {
            bcrypt::verify(password.expose(), hash.expose())
                .map_err(|e| HashError::MalformedHash(e.into()))
        })
        .await
    }

    async fn verify_against_dummy(&self, password: &Password) -> Result<(), HashError> {
        let dummy = self.dummy_hash().await?;
        // The outcome is irrelevant: only the time spent matters.
        self.verify(password, dummy).await.map(|_| ())
    }

    async fn wait_as_long_as_verify(&self) {
        tokio::time::sleep(self.recent_verify_time()).await;
    }

    /// `$2b$10$…`: the cost is the two digits after the version. A hash this cannot read is left to
    /// `verify`, which reports it.
    fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        stored_cost(hash.expose()).is_some_and(|cost| cost != self.cost)
    }
}

fn stored_cost(hash: &str) -> Option<u32> {
    let mut parts = hash.split('$');
    let (Some(""), Some(_version), Some(cost)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    cost.parse().ok()
}
