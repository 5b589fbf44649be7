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
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{Connection, PgPool};

use super::MIGRATOR;
use super::errors::{is_connection_lost, repository_error};
use crate::deadline::within;
use crate::pool_usage::PoolUsage;

/// How often a read meets a dead connection before it reports the store unavailable. The pool pings
/// only connections that sat idle (`pool.rs`), so after a database restart a read may be handed a
/// connection the restart killed; the next one it gets is new.
const READ_ATTEMPTS: usize = 3;

/// How long shutdown waits for the listening connections to close.
const LISTENING_CLOSE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Connections that LISTEN, apart from the pool, so that a listener never takes a place a statement
    /// needs. Two: one listening, and one replacing it while the old one is closed.
    listening: PgPool,
    call_limit: Duration,
}

impl PgStore {
    /// `call_limit` should cover waiting for a connection and the longest statement the server allows.
    pub fn new(pool: PgPool, call_limit: Duration) -> Self {
        let listening = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(call_limit)
            .connect_lazy_with((*pool.connect_options()).clone());
        Self {
            pool,
            listening,
            call_limit,
        }
    }

    /// A connection that listens on `channel`, ready when this returns: notifications committed from
    /// then on reach it.
    ///
    /// # Errors
    /// When the database cannot be reached, or the store is closed.
    pub async fn listen(&self, channel: &str) -> Result<PgListener, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.listening).await?;
        // A lost connection is reported (`try_recv` gives `None`) and re-established on the next call,
        // so that whoever listens knows what it may have missed.
        listener.eager_reconnect(false);
        listener.listen(channel).await?;
        Ok(listener)
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

    /// Runs a read-only statement like [`Self::call`], again on another connection when the one it got
    /// turns out to be dead. Only for statements that write nothing: a write that met a dead connection
    /// may have committed.
    ///
    /// # Errors
    /// The statement's error, or unavailable at the deadline.
    pub async fn read<'s, T, F, Fut>(&'s self, work: F) -> Result<T, RepositoryError>
    where
        F: Fn(&'s PgPool) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        within(self.call_limit, async {
            let mut attempt = 1;
            loop {
                match work(&self.pool).await {
                    Err(error) if attempt < READ_ATTEMPTS && is_connection_lost(&error) => {
                        tracing::debug!(%error, attempt, "read met a dead connection; retrying");
                        attempt += 1;
                    }
                    outcome => return outcome.map_err(repository_error),
                }
            }
        })
        .await
    }

    /// Applies pending migrations, with no deadline: a migration takes as long as it takes. Returns how
    /// many were pending, so that start-up says "up to date" rather than "applied" when none were.
    ///
    /// # Errors
    /// When the database cannot be reached or a migration fails.
    pub async fn migrate(&self) -> anyhow::Result<u64> {
        // Replicas started together migrate together: sqlx's own lock lets one apply and the rest find
        // nothing pending, but each would count from before it waited and report every migration as
        // its own. This lock, held around the count and the run, makes the count each replica's own.
        // It is held on a connection of its own, outside the pool, which may have a single place.
        let mut lock = sqlx::PgConnection::connect_with(&self.pool.connect_options()).await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(COUNT_LOCK)
            .execute(&mut lock)
            .await?;
        let before = applied_migrations(&self.pool).await;
        let outcome = MIGRATOR.run(&self.pool).await;
        let after = applied_migrations(&self.pool).await;
        // Ending the session releases the lock; a close that fails ends it all the same, and must not
        // fail a start-up whose migrations went through.
        if let Err(error) = lock.close().await {
            tracing::debug!(%error, "closing the migration count's lock connection");
        }
        outcome?;
        Ok(after.saturating_sub(before))
    }

    /// Whether every migration this build carries has been applied, asked within `timeout`: a service
    /// that leaves migrating to a job (`RUN_MIGRATIONS=false`) must not take requests its schema cannot
    /// serve yet. Migrations applied by a newer build do not matter.
    pub async fn has_every_migration(&self, timeout: Duration) -> bool {
        let known: Vec<i64> = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect();
        let applied = sqlx::query_scalar::<_, i64>(
            "SELECT count(DISTINCT version) FROM _sqlx_migrations WHERE success AND version = ANY($1)",
        )
        .bind(&known)
        .fetch_one(&self.pool);
        match tokio::time::timeout(timeout, applied).await {
            Ok(Ok(applied)) => usize::try_from(applied).is_ok_and(|n| n == known.len()),
            Ok(Err(error)) => {
                // Not "unmigrated": a role that may not read the table would stay unready for good.
                tracing::warn!(%error, "could not read which migrations are applied; not ready");
                false
            }
            Err(_) => false,
        }
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
        // A listener whose network was cut may hold its connection until TCP gives up; shutdown does
        // not wait for it.
        let listening = tokio::time::timeout(LISTENING_CLOSE, self.listening.close());
        let (_, ()) = tokio::join!(listening, self.pool.close());
    }

    /// The statement pool's connections; the listening ones are not counted, being never shared.
    pub fn pool_usage(&self) -> PoolUsage {
        PoolUsage::of(&self.pool)
    }

    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}

/// The advisory lock [`PgStore::migrate`] holds while it counts: any key of ours, apart from the one
/// sqlx derives from the database's name.
const COUNT_LOCK: i64 = 0x6a6f_6262_6572; // "jobber"

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
