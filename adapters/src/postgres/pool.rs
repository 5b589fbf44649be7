use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};

use super::PgStore;

/// A connection idle for longer is pinged before use. Under load connections are reused within
/// microseconds and never pinged; after a quiet spell, or a database restart, the first use of each
/// one is.
const PING_IF_IDLE_FOR: Duration = Duration::from_millis(500);

/// What a service needs from its pool: fail fast rather than queue for the default 30 s.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub url: SecretString,
    /// Shown in `pg_stat_activity`, so an operator can tell the service's connections apart.
    pub application_name: String,
    pub max_connections: u32,
    /// How long a request may wait for a free connection before it is told the store is unavailable.
    pub acquire_timeout: Duration,
    /// Server-side cap on any single statement.
    pub statement_timeout: Duration,
}

impl PoolSettings {
    /// The deadline on any one store call: a wait for a connection plus the longest statement, and a
    /// second's grace. A frozen database cannot enforce its own statement timeout.
    pub fn call_limit(&self) -> Duration {
        self.acquire_timeout
            .saturating_add(self.statement_timeout)
            .saturating_add(Duration::from_secs(1))
    }
}

/// Builds the store without connecting, so the service can start (and report not-ready) while the
/// database is still coming up.
///
/// # Errors
/// When the URL cannot be parsed. The error names the problem but never echoes the URL, which may hold a
/// password.
pub fn connect_lazy(settings: &PoolSettings) -> anyhow::Result<PgStore> {
    let options = PgConnectOptions::from_str(settings.url.expose_secret())
        .map_err(|e| {
            anyhow::anyhow!(
                "the database URL is not a valid PostgreSQL URL: {}",
                redact_url_error(&e)
            )
        })?
        .options([(
            "statement_timeout",
            settings.statement_timeout.as_millis().to_string(),
        )])
        .application_name(&settings.application_name)
        // Statement text is logged by sqlx at INFO by default; bind values never are. DEBUG keeps
        // production logs quiet.
        .log_statements(tracing::log::LevelFilter::Debug)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1));
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        // sqlx's default pings every connection it hands out: a round trip before every statement,
        // which doubled the cost of a point read. Only a connection that sat idle long enough for the
        // server or the network to have dropped it is pinged; one that fails is replaced, and reads
        // that still meet a dead connection are retried (`PgStore::read`).
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for < PING_IF_IDLE_FOR {
                    return Ok(true);
                }
                connection.ping().await.map(|()| true)
            })
        })
        .connect_lazy_with(options);
    Ok(PgStore::new(pool, settings.call_limit()))
}

fn redact_url_error(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Configuration(inner) => inner.to_string(),
        other => other.to_string(),
    }
}
