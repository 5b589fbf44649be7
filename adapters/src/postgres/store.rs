//! The handle every PostgreSQL repository runs its statements through.
//!
//! A database that is frozen (stopped by a signal, a stalled disk, a network that drops packets
//! without resetting) answers nothing, and a server-side `statement_timeout` cannot fire on a server
//! that does not run. Without a deadline of the client's own, every request that had a connection
//! would wait as long as the freeze lasts. The pool is reachable only through [`PgStore::call`], so a
//! new repository gets the deadline by being written at all, and cannot forget it.

use std::future::Future;
use std::time::Duration;

use application::ports::RepositoryError;
use sqlx::PgPool;

use super::MIGRATOR;
use crate::deadline::within;

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    call_limit: Duration,
}

impl PgStore {
    /// `call_limit` should cover waiting for a connection and the longest statement the server allows.
    pub fn new(pool: PgPool, call_limit: Duration) -> Self {
        Self { pool, call_limit }
    }

    /// Runs one store call (a statement, or a transaction of several) with the pool, and ends it as
    /// [`RepositoryError::Unavailable`] if it has not finished within the call limit.
    ///
    /// # Errors
    /// What `work` returns, or unavailable at the deadline.
    pub async fn call<'s, T, E, F>(&'s self, work: impl FnOnce(&'s PgPool) -> F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
        E: From<RepositoryError>,
    {
        within(self.call_limit, work(&self.pool)).await
    }

    /// Applies pending migrations, with no deadline: a migration takes as long as it takes. Returns how
    /// many were pending, so that start-up says "up to date" rather than "applied" when none were.
    ///
    /// # Errors
    /// When the database cannot be reached or a migration fails.
    pub async fn migrate(&self) -> anyhow::Result<u64> {
        let before = applied_migrations(&self.pool).await;
        MIGRATOR.run(&self.pool).await?;
        Ok(applied_migrations(&self.pool).await.saturating_sub(before))
    }

    /// Whether the database answers a trivial query within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        matches!(
            tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&self.pool)).await,
            Ok(Ok(_))
        )
    }

    /// Closes every connection, so none is left open on the server after shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}

/// Migrations sqlx records as applied; none before the first run, when its table does not exist yet.
/// Only a log line depends on it, so a failed count reads as none.
async fn applied_migrations(pool: &PgPool) -> u64 {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .ok()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}
