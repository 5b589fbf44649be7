//! A throwaway PostgreSQL database per test (feature `test-support`).
//!
//! Tests find a server through `TEST_DATABASE_URL` (an admin URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`), falling back to that local default. If none answers they
//! fail at once with a line saying how to get one; they are never skipped.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};

use super::{MIGRATOR, PgStore};

pub const TEST_DATABASE_URL_VAR: &str = "TEST_DATABASE_URL";
pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A freshly created, migrated database that is dropped again when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    pub pool: PgPool,
    name: String,
    admin_url: String,
}

impl TestDatabase {
    /// Creates and migrates a uniquely named database.
    ///
    /// # Panics
    /// When no PostgreSQL answers, with instructions; a test that needs one must not pass without one.
    pub async fn create() -> Self {
        let admin_url = admin_url();
        let mut admin = connect_admin(&admin_url).await;
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        admin
            // The name is ours, a quoted UUID: nothing from outside is in this SQL.
            .execute(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
            .await
            .unwrap_or_else(|e| panic!("could not create test database {name}: {e}"));
        let pool = PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options(&admin_url).database(&name))
            .await
            .unwrap_or_else(|e| panic!("could not connect to test database {name}: {e}"));
        MIGRATOR
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("migrations failed on {name}: {e}"));
        Self {
            pool,
            name,
            admin_url,
        }
    }

    /// The store repositories under test run on: this database's pool, with a deadline far longer than
    /// any test's statement, so that a slow machine fails a test's assertion rather than its deadline.
    pub fn store(&self) -> PgStore {
        PgStore::new(self.pool.clone(), Duration::from_secs(60))
    }

    /// A URL for this database, for code under test that connects on its own.
    pub fn url(&self) -> String {
        let (base, query) = match self.admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (self.admin_url.as_str(), String::new()),
        };
        let authority_end = base.find("://").map_or(0, |i| i + 3);
        let host_part = match base[authority_end..].find('/') {
            Some(slash) => &base[..authority_end + slash],
            None => base,
        };
        format!("{host_part}/{}{query}", self.name)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be shutting down, so the cleanup gets its own
        // thread and runtime. A failure only leaves a stray database behind; it must not mask the test.
        let (name, admin_url) = (self.name.clone(), self.admin_url.clone());
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect_with(&options(&admin_url)).await {
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!(
                            r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                        )))
                        .await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

fn admin_url() -> String {
    std::env::var(TEST_DATABASE_URL_VAR).unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_owned())
}

fn options(url: &str) -> PgConnectOptions {
    PgConnectOptions::from_str(url)
        .unwrap_or_else(|e| panic!("{TEST_DATABASE_URL_VAR} is not a valid PostgreSQL URL: {e}"))
}

async fn connect_admin(url: &str) -> PgConnection {
    match tokio::time::timeout(
        Duration::from_secs(5),
        PgConnection::connect_with(&options(url)),
    )
    .await
    {
        Ok(Ok(connection)) => connection,
        Ok(Err(e)) => no_server(url, &e.to_string()),
        Err(_) => no_server(url, "timed out after 5 s"),
    }
}

fn no_server(url: &str, why: &str) -> ! {
    panic!(
        "this test needs PostgreSQL and none answered at {url} ({why}). Start one with `bash .ci/run` \
         (it installs and starts a local server if needed), or point {TEST_DATABASE_URL_VAR} at a server \
         where this role may create databases."
    )
}
