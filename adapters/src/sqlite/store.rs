use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use application::ports::RepositoryError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};

use super::MIGRATOR;
use crate::deadline::within;
use crate::pool_usage::PoolUsage;

#[derive(Debug, Clone)]
pub struct SqliteSettings {
    pub path: PathBuf,
    /// Readers; writes always go through one connection of their own.
    pub max_connections: u32,
    /// How long a request may wait for a connection before it is told the store is unavailable.
    pub acquire_timeout: Duration,
    /// How long a write waits for another process's write lock before SQLITE_BUSY.
    pub busy_timeout: Duration,
}

impl SqliteSettings {
    /// The deadline on any one store call: a wait for a connection plus the longest wait for the write
    /// lock, and a second's grace. A stalled disk would otherwise hold a request for as long as it stalls.
    pub fn call_limit(&self) -> Duration {
        self.acquire_timeout
            .saturating_add(self.busy_timeout)
            .saturating_add(Duration::from_secs(1))
    }
}

/// One SQLite file behind two pools. WAL lets readers run beside the writer; funnelling writes through a
/// single connection means they queue in the pool instead of racing for the file's write lock, and the
/// busy timeout covers a second process writing the same file.
///
/// The pools are reachable only through [`SqliteStore::read`] and [`SqliteStore::write`], which put a
/// deadline on every call, so a new repository cannot go without one.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    path: PathBuf,
    call_limit: Duration,
}

impl SqliteStore {
    /// Creates the file (and its directory) if missing and opens it in WAL mode.
    ///
    /// # Errors
    /// When the directory cannot be created or the file cannot be opened as a database.
    pub async fn open(settings: &SqliteSettings) -> anyhow::Result<Self> {
        let path = settings.path.clone();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create the directory {}", dir.display()))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a process crash, only on power loss.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(settings.busy_timeout)
            .foreign_keys(true)
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(options.clone())
            .await
            .with_context(|| format!("could not open the SQLite database {}", path.display()))?;
        let read = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect_lazy_with(options);
        Ok(Self {
            read,
            write,
            path,
            call_limit: settings.call_limit(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The readers' and the writer's connections together.
    pub fn pool_usage(&self) -> PoolUsage {
        PoolUsage::of(&self.read) + PoolUsage::of(&self.write)
    }

    /// Runs one call that only reads, on the readers' pool, with the deadline.
    ///
    /// # Errors
    /// What `work` returns, or [`RepositoryError::Unavailable`] at the deadline.
    pub async fn read<'s, T, E, F>(&'s self, work: impl FnOnce(&'s SqlitePool) -> F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
        E: From<RepositoryError>,
    {
        within(self.call_limit, work(&self.read)).await
    }

    /// Runs one call that writes (a statement, or a transaction of several) on the single writer
    /// connection, with the deadline.
    ///
    /// # Errors
    /// What `work` returns, or [`RepositoryError::Unavailable`] at the deadline.
    pub async fn write<'s, T, E, F>(
        &'s self,
        work: impl FnOnce(&'s SqlitePool) -> F,
    ) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
        E: From<RepositoryError>,
    {
        within(self.call_limit, work(&self.write)).await
    }

    /// Applies pending migrations, with no deadline: a migration takes as long as it takes. Returns how
    /// many were pending, so that start-up says "up to date" rather than "applied" when none were.
    ///
    /// # Errors
    /// When a migration fails.
    pub async fn migrate(&self) -> anyhow::Result<u64> {
        let before = applied_migrations(&self.write).await;
        MIGRATOR.run(&self.write).await?;
        Ok(applied_migrations(&self.write).await.saturating_sub(before))
    }

    /// Whether the database answers a trivial query within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        matches!(
            tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&self.read)).await,
            Ok(Ok(_))
        )
    }

    /// Closes both pools; the WAL is checkpointed into the main file when the last connection closes.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Migrations sqlx records as applied; none before the first run, when its table does not exist yet.
/// Only a log line depends on it, so a failed count reads as none.
async fn applied_migrations(pool: &SqlitePool) -> u64 {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .ok()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}
