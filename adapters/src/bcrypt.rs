//! `PasswordHasher` on bcrypt.
//!
//! bcrypt is CPU-bound by design (about 250 ms at cost 12), so each call runs on tokio's blocking pool and a
//! semaphore caps how many run at once, by default at the core count. Queries keep their executor threads
//! while sign-ups saturate the CPU, and excess hashing waits in an async queue instead of occupying threads.

use std::sync::Arc;

use application::ports::{HashError, PasswordHasher};
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
                self.run_blocking(move || {
                    bcrypt::hash("no account has this password", cost)
                        .map(PasswordHash::new)
                        .map_err(|e| HashError::Unexpected(e.into()))
                })
                .await
            })
            .await
    }

    async fn run_blocking<T, F>(&self, work: F) -> Result<T, HashError>
    where
        F: FnOnce() -> Result<T, HashError> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError::Unexpected(e.into()))?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(work))
            .in_current_span()
            .await
            .map_err(|e| HashError::Unexpected(e.into()))?
    }
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let password = password.clone();
        let cost = self.cost;
        self.run_blocking(move || {
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
        self.run_blocking(move || {
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
}
