//! Opens the store the configuration names, brings its schema up to date, and reports readiness. This
//! is the only place that knows there is more than one store: each module's wiring (`service/`) picks
//! its repositories by the variant, and the application sees only ports.

use adapters::http::{READINESS_TIMEOUT, ReadinessProbe};
use adapters::pool_usage::PoolUsage;
use adapters::postgres::{PgStore, connect_lazy};
use adapters::sqlite::SqliteStore;
use anyhow::Context;
use async_trait::async_trait;

use crate::postgres_prepare::{Prepared, describe, prepare_postgres, prepare_when_reachable};
use crate::settings::{Storage, env_name};

#[derive(Debug, Clone)]
pub enum Store {
    /// The store, and whether its schema is up to date (false while start-up waits for the database).
    Postgres(PgStore, Prepared),
    Sqlite(SqliteStore),
}
/// When to bring the schema up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrations {
    Skip,
    /// Now, or fail: `<name> migrate`.
    Apply,
    /// Now, or, if the database does not answer yet, as soon as it does: `<name> serve`, which meanwhile
    /// reports not ready rather than exiting, so an orchestrator need not start the database first.
    ApplyWhenReachable,
}

impl Store {
    /// Opens the store and brings its schema up to date as `migrations` says. PostgreSQL is connected
    /// lazily, so a service started before its database still starts (and reports not ready).
    ///
    /// # Errors
    /// When the store cannot be opened or migrated; the message says where, never with credentials.
    pub async fn open(storage: &Storage, migrations: Migrations) -> anyhow::Result<Self> {
        let migrate = migrations != Migrations::Skip;
        match storage {
            Storage::Postgres(settings) => {
                let pool = connect_lazy(settings).context(env_name("database_url"))?;
                tracing::info!(database = %describe(settings), "storing data in PostgreSQL");
                let prepared = if migrate {
                    Prepared::here()
                } else {
                    Prepared::by_others()
                };
                match migrations {
                    Migrations::Skip => {
                        if !prepared.check(&pool, READINESS_TIMEOUT).await {
                            tracing::warn!(
                                "the database lacks migrations this build needs, or does not answer \
                                 yet; /api/ready answers 503 until `{} migrate` has applied them",
                                crate::service::NAME
                            );
                        }
                    }
                    Migrations::Apply => prepare_postgres(settings, &pool).await?,
                    Migrations::ApplyWhenReachable => {
                        prepare_when_reachable(settings, &pool, &prepared).await?;
                    }
                }
                Ok(Self::Postgres(pool, prepared))
            }
            Storage::Sqlite(settings) => {
                let store = SqliteStore::open(settings).await?;
                tracing::info!(
                    path = %settings.path.display(),
                    "storing data in the embedded SQLite database at {}; PostgreSQL is the production \
                     store: set {}=postgres://… to use it",
                    settings.path.display(),
                    env_name("database_url")
                );
                if migrate {
                    let applied = store.migrate().await.with_context(|| {
                        format!("could not apply migrations to {}", settings.path.display())
                    })?;
                    crate::postgres_prepare::log_migrations(
                        &settings.path.display().to_string(),
                        applied,
                    );
                }
                Ok(Self::Sqlite(store))
            }
        }
    }

    /// How the store's connections are used right now.
    pub fn pool_usage(&self) -> PoolUsage {
        match self {
            Self::Postgres(pg, _) => pg.pool_usage(),
            Self::Sqlite(store) => store.pool_usage(),
        }
    }

    /// Closes every connection, so none is left open on the server after shutdown.
    pub async fn close(&self) {
        match self {
            Self::Postgres(pg, _) => pg.close().await,
            Self::Sqlite(store) => store.close().await,
        }
    }
}

#[async_trait]
impl ReadinessProbe for Store {
    async fn is_ready(&self) -> bool {
        match self {
            Self::Postgres(pool, prepared) => {
                prepared.check(pool, READINESS_TIMEOUT).await && pool.ping(READINESS_TIMEOUT).await
            }
            Self::Sqlite(store) => store.ping(READINESS_TIMEOUT).await,
        }
    }
}
