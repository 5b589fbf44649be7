//! A throwaway SQLite database per test (feature `test-support`): a file in its own temporary directory,
//! opened and migrated exactly as the service opens it.

use std::path::PathBuf;
use std::time::Duration;

use super::{SqliteSettings, SqliteStore};

const FILE: &str = "test.db";

#[derive(Debug)]
pub struct TestSqlite {
    pub store: SqliteStore,
    // Dropped last: the directory, and the database in it, go away with the test.
    dir: tempfile::TempDir,
}

impl TestSqlite {
    /// # Panics
    /// When a temporary directory or the database cannot be created.
    pub async fn create() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for the test database");
        let store = SqliteStore::open(&Self::settings_in(dir.path().join(FILE)))
            .await
            .expect("the test SQLite database opens");
        store.migrate().await.expect("migrations apply");
        Self { store, dir }
    }

    /// The settings the service would use for a file at `path`.
    pub fn settings_in(path: PathBuf) -> SqliteSettings {
        SqliteSettings {
            path,
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(5),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join(FILE)
    }
}
