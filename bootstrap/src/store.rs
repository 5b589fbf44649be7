//! Opens the store the configuration names and turns it into use cases and a readiness probe. This is the
//! only place that knows there is more than one store: the application sees a `UserRepository`.

use std::sync::Arc;

use adapters::bcrypt::BcryptHasher;
use adapters::clock::SystemClock;
use adapters::graphql::{SharedAuth, SharedUseCases};
use adapters::http::{READINESS_TIMEOUT, ReadinessProbe};
use adapters::jwt::JwtTokens;
use adapters::postgres::{PgPool, PgUserRepository, PoolSettings, connect_lazy};
use adapters::sqlite::{SqliteStore, SqliteUserRepository};
use anyhow::Context;
use application::ports::UserRepository;
use application::{AuthService, UserService};
use async_trait::async_trait;
use domain::LockoutPolicy;
use secrecy::ExposeSecret;
use sqlx::migrate::MigrateDatabase;

use crate::settings::Storage;

#[derive(Debug, Clone)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqliteStore),
}

impl Store {
    /// Opens the store and, when `migrate` is set, brings its schema up to date. PostgreSQL is connected
    /// lazily, so a service started before its database still starts (and reports not ready).
    ///
    /// # Errors
    /// When the store cannot be opened or migrated; the message says where, never with credentials.
    pub async fn open(storage: &Storage, migrate: bool) -> anyhow::Result<Self> {
        match storage {
            Storage::Postgres(settings) => {
                let pool = connect_lazy(settings)?;
                tracing::info!(database = %describe(settings), "storing data in PostgreSQL");
                if migrate {
                    prepare_postgres(settings, &pool).await?;
                }
                Ok(Self::Postgres(pool))
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
    ) -> (SharedUseCases, SharedAuth) {
        match self {
            Self::Postgres(pool) => {
                wire(PgUserRepository::new(pool.clone()), hasher, tokens, lockout)
            }
            Self::Sqlite(store) => wire(
                SqliteUserRepository::new(store.clone()),
                hasher,
                tokens,
                lockout,
            ),
        }
    }

    /// Closes every connection, so none is left open on the server after shutdown.
    pub async fn close(&self) {
        match self {
            Self::Postgres(pool) => pool.close().await,
            Self::Sqlite(store) => store.close().await,
        }
    }
}

#[async_trait]
impl ReadinessProbe for Store {
    async fn is_ready(&self) -> bool {
        match self {
            Self::Postgres(pool) => adapters::postgres::ping(pool, READINESS_TIMEOUT).await,
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

async fn prepare_postgres(settings: &PoolSettings, pool: &PgPool) -> anyhow::Result<()> {
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
    adapters::postgres::migrate(pool)
        .await
        .with_context(|| format!("could not apply migrations to {where_}"))?;
    tracing::info!(database = %where_, "migrations applied");
    Ok(())
}

/// `host:port/database`, never the user or password.
fn describe(settings: &PoolSettings) -> String {
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
