//! Bringing a PostgreSQL schema up to date at start-up, including when the database is not up yet.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use adapters::postgres::{PgStore, PoolSettings};
use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::migrate::MigrateDatabase;

/// How often start-up retries a database that did not answer.
const RETRY_EVERY: Duration = Duration::from_millis(500);

/// Whether the schema is up to date, shared with the readiness probe.
#[derive(Debug, Clone)]
pub struct Prepared {
    done: Arc<AtomicBool>,
    /// Migrations are left to someone else (`<name> migrate`, run by a job before a rollout): the
    /// readiness probe asks the database until they have run.
    by_others: bool,
}

impl Prepared {
    /// Start-up migrates, now or once the database answers.
    pub(crate) fn here() -> Self {
        Self {
            done: Arc::new(AtomicBool::new(false)),
            by_others: false,
        }
    }

    /// Another process migrates.
    pub(crate) fn by_others() -> Self {
        Self {
            done: Arc::new(AtomicBool::new(false)),
            by_others: true,
        }
    }

    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Whether the schema is up to date, asking the database when another process migrates; once it
    /// is, it stays so.
    pub(crate) async fn check(&self, pool: &PgStore, timeout: Duration) -> bool {
        if self.is_done() {
            return true;
        }
        if self.by_others && pool.has_every_migration(timeout).await {
            self.set_done();
            return true;
        }
        false
    }

    fn set_done(&self) {
        self.done.store(true, Ordering::Release);
    }
}

/// Prepares the schema now if the database answers. If it does not (refused, timed out, still
/// starting), start-up goes on and a background task retries until it does; `/api/ready` says 503
/// meanwhile. Any other failure (a bad migration, refused credentials) stops start-up as before.
pub(crate) async fn prepare_when_reachable(
    settings: &PoolSettings,
    pool: &PgStore,
    prepared: &Prepared,
) -> anyhow::Result<()> {
    match prepare_postgres(settings, pool).await {
        Ok(()) => {
            prepared.set_done();
            Ok(())
        }
        Err(error) if is_unreachable(&error) => {
            tracing::warn!(
                database = %describe(settings),
                error = format!("{error:#}"),
                "PostgreSQL does not answer yet; serving 503 on /api/ready and retrying every {RETRY_EVERY:?}"
            );
            let (settings, pool, prepared) = (settings.clone(), pool.clone(), prepared.clone());
            tokio::spawn(async move {
                while !pool.is_closed() {
                    tokio::time::sleep(RETRY_EVERY).await;
                    match prepare_postgres(&settings, &pool).await {
                        Ok(()) => {
                            prepared.set_done();
                            return;
                        }
                        Err(error) if is_unreachable(&error) => {}
                        Err(error) => {
                            tracing::error!(
                                error = format!("{error:#}"),
                                "the database answered but could not be prepared; not ready"
                            );
                            return;
                        }
                    }
                }
            });
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Connection-level failures: the database is not there (yet), as opposed to refusing what we asked.
fn is_unreachable(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
        .any(|e| match e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
            // 57P03: the database system is starting up.
            sqlx::Error::Database(db) => db.code().is_some_and(|c| c == "57P03"),
            _ => false,
        })
}

pub(crate) async fn prepare_postgres(
    settings: &PoolSettings,
    pool: &PgStore,
) -> anyhow::Result<()> {
    let url = settings.url.expose_secret();
    let where_ = describe(settings);
    // A first `cargo run` against a server that lacks the database should just work, as `sqlx database
    // create` would; in production the database normally exists and this is a cheap check.
    if !sqlx::Postgres::database_exists(url)
        .await
        .with_context(|| format!("could not reach PostgreSQL at {where_}"))?
    {
        sqlx::Postgres::create_database(url)
            .await
            .with_context(|| format!("could not create database {where_}"))?;
        tracing::info!(database = %where_, "created the database");
    }
    let applied = pool
        .migrate()
        .await
        .with_context(|| format!("could not apply migrations to {where_}"))?;
    log_migrations(&where_, applied);
    Ok(())
}

/// `host:port/database`, never the user or password.
pub(crate) fn describe(settings: &PoolSettings) -> String {
    settings
        .url
        .expose_secret()
        .parse::<sqlx::postgres::PgConnectOptions>()
        .map_or_else(
            |_| "an unparseable URL".to_owned(),
            |o| {
                format!(
                    "{}:{}/{}",
                    o.get_host(),
                    o.get_port(),
                    o.get_database().unwrap_or("(default)")
                )
            },
        )
}

/// "applied" only when something was: a restart on an up-to-date schema says so instead.
pub(crate) fn log_migrations(store: &str, applied: u64) {
    if applied == 0 {
        tracing::info!(store, "schema up to date; no migrations pending");
    } else {
        tracing::info!(store, applied, "migrations applied");
    }
}
