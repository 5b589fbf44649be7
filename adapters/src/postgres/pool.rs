use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use super::MIGRATOR;

/// What a service needs from its pool: fail fast rather than queue for the default 30 s.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub url: SecretString,
    pub max_connections: u32,
    /// How long a request may wait for a free connection before it is told the store is unavailable.
    pub acquire_timeout: Duration,
    /// Server-side cap on any single statement.
    pub statement_timeout: Duration,
}

/// Builds the pool without connecting, so the service can start (and report not-ready) while the
/// database is still coming up.
///
/// # Errors
/// When the URL cannot be parsed. The error names the problem but never echoes the URL, which may hold a
/// password.
pub fn connect_lazy(settings: &PoolSettings) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(settings.url.expose_secret())
        .map_err(|e| {
            anyhow::anyhow!(
                "AUTH_DATABASE_URL is not a valid PostgreSQL URL: {}",
                redact_url_error(&e)
            )
        })?
        .options([(
            "statement_timeout",
            settings.statement_timeout.as_millis().to_string(),
        )])
        .application_name("jobber-auth")
        // Statement text is logged by sqlx at INFO by default; bind values never are. DEBUG keeps
        // production logs quiet.
        .log_statements(tracing::log::LevelFilter::Debug)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1));
    Ok(PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .connect_lazy_with(options))
}

fn redact_url_error(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Configuration(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// Applies pending migrations.
///
/// # Errors
/// When the database cannot be reached or a migration fails.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// Whether the database answers a trivial query within `timeout`.
pub async fn ping(pool: &PgPool, timeout: Duration) -> bool {
    matches!(
        tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(pool)).await,
        Ok(Ok(_))
    )
}
