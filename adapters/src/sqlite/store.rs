use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};

use super::MIGRATOR;

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

/// One SQLite file behind two pools. WAL lets readers run beside the writer; funnelling writes through a
/// single connection means they queue in the pool instead of racing for the file's write lock, and the
/// busy timeout covers a second process writing the same file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(super) read: SqlitePool,
    pub(super) write: SqlitePool,
    path: PathBuf,
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
        Ok(Self { read, write, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes both pools; the WAL is checkpointed into the main file when the last connection closes.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Applies pending migrations.
///
/// # Errors
/// When a migration fails.
pub async fn migrate(store: &SqliteStore) -> anyhow::Result<()> {
    MIGRATOR.run(&store.write).await?;
    Ok(())
}

/// Whether the database answers a trivial query within `timeout`.
pub async fn ping(store: &SqliteStore, timeout: Duration) -> bool {
    matches!(
        tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&store.read)).await,
        Ok(Ok(_))
    )
}
