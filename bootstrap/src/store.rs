//! Opens the store the configuration names and turns it into use cases and a readiness probe. This is the
//! only place that knows there is more than one store: the application sees a `UserRepository`.

use std::sync::Arc;
use std::time::Duration;

use adapters::bcrypt::BcryptHasher;
use adapters::clock::SystemClock;
use adapters::graphql::{SharedAuth, SharedUseCases};
use adapters::http::{READINESS_TIMEOUT, ReadinessProbe};
use adapters::jwt::JwtTokens;
use adapters::postgres::{PgPool, PgUserRepository, connect_lazy};
use adapters::sqlite::{SqliteStore, SqliteUserRepository};
use adapters::time_bounded::TimeBounded;
use anyhow::Context;
use application::ports::UserRepository;
use application::{AuthService, UserService};
use async_trait::async_trait;
use domain::LockoutPolicy;

use crate::postgres_prepare::{Prepared, describe, prepare_postgres, prepare_when_reachable};
use crate::settings::Storage;

#[derive(Debug, Clone)]
pub enum Store {
    /// The pool, and whether its schema is up to date (false while start-up waits for the database).
    Postgres(PgPool, Prepared),
    Sqlite(SqliteStore),
}

/// When to bring the schema up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrations {
    Skip,
    /// Now, or fail: `auth migrate`.
    Apply,
    /// Now, or, if the database does not answer yet, as soon as it does: `auth serve`, which meanwhile
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
                let pool = connect_lazy(settings)?;
                tracing::info!(database = %describe(settings), "storing data in PostgreSQL");
                let prepared = Prepared::new(!migrate);
                match migrations {
                    Migrations::Skip => {}
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
                     store: set AUTH_DATABASE_URL=postgres://… to use it",
                    settings.path.display()
                );
                if migrate {
                    adapters::sqlite::migrate(&store).await.with_context(|| {
                        format!("could not apply migrations to {}", settings.path.display())
                    })?;
                    tracing::info!(path = %settings.path.display(), "migrations applied");
                }
                Ok(Self::Sqlite(store))
            }
        }
    }

    /// The use cases on this store: users, and authentication sharing its failed-attempt count.
    pub fn services(
        &self,
        hasher: BcryptHasher,
        tokens: JwtTokens,
        lockout: LockoutPolicy,
        call_limit: Duration,
    ) -> (SharedUseCases, SharedAuth) {
        match self {
            Self::Postgres(pool, _) => wire(
                TimeBounded::new(PgUserRepository::new(pool.clone()), call_limit),
                hasher,
                tokens,
                lockout,
            ),
            Self::Sqlite(store) => wire(
                TimeBounded::new(SqliteUserRepository::new(store.clone()), call_limit),
                hasher,
                tokens,
                lockout,
            ),
        }
    }

    /// Closes every connection, so none is left open on the server after shutdown.
    pub async fn close(&self) {
        match self {
            Self::Postgres(pool, _) => pool.close().await,
            Self::Sqlite(store) => store.close().await,
        }
    }
}

#[async_trait]
impl ReadinessProbe for Store {
    async fn is_ready(&self) -> bool {
        match self {
            Self::Postgres(pool, prepared) => {
                prepared.is_done() && adapters::postgres::ping(pool, READINESS_TIMEOUT).await
            }
            Self::Sqlite(store) => adapters::sqlite::ping(store, READINESS_TIMEOUT).await,
        }
    }
}

fn wire<R: UserRepository + Clone>(
    repository: R,
    hasher: BcryptHasher,
    tokens: JwtTokens,
    lockout: LockoutPolicy,
) -> (SharedUseCases, SharedAuth) {
    let users =
        UserService::new(repository.clone(), hasher.clone(), SystemClock).with_lockout(lockout);
    let auth = AuthService::new(repository, hasher, SystemClock, tokens).with_lockout(lockout);
    (Arc::new(users), Arc::new(auth))
}
