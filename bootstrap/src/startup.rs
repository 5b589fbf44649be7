//! Wiring and serving.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use adapters::bcrypt::BcryptHasher;
use adapters::clock::SystemClock;
use adapters::graphql::{SchemaSettings, build_schema};
use adapters::http::{HttpSettings, ReadinessProbe, router};
use adapters::postgres::{PgPool, PgUserRepository, connect_lazy};
use anyhow::Context;
use application::UserService;
use async_trait::async_trait;
use axum::Router;
use secrecy::ExposeSecret;
use sqlx::migrate::MigrateDatabase;
use tokio::net::TcpListener;

use crate::Settings;

/// A built, bound service: `build` does everything that can fail at start, so `run_*` only serves.
pub struct Application {
    listener: TcpListener,
    router: Router,
    pool: PgPool,
    shutdown_grace: Duration,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port())
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects, migrates (unless turned off), wires the adapters and binds the listener. With `PORT=0`
    /// the OS picks a free port; [`Application::port`] tells which.
    ///
    /// # Errors
    /// When the database cannot be prepared or the port cannot be bound; the message says which.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let pool = connect_lazy(&settings.pool())?;
        tracing::info!(database = %describe_database(settings), "PostgreSQL configured");
        if settings.run_migrations {
            prepare_database(settings, &pool).await?;
        }
        let hasher = BcryptHasher::try_new(settings.bcrypt_cost, settings.bcrypt_max_concurrency)?;
        let use_cases = UserService::new(PgUserRepository::new(pool.clone()), hasher, SystemClock);
        let schema = build_schema(
            Arc::new(use_cases),
            SchemaSettings {
                introspection: settings.introspection,
            },
        );
        let http = HttpSettings {
            graphiql: settings.graphiql,
            body_limit: settings.body_limit_bytes,
        };
        let router = router(schema, Arc::new(PgReadiness(pool.clone())), http);
        let listener = TcpListener::bind((settings.host, settings.port))
            .await
            .with_context(|| format!("could not listen on {}:{}", settings.host, settings.port))?;
        Ok(Self {
            listener,
            router,
            pool,
            shutdown_grace: settings.shutdown_grace(),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// Serves until SIGINT or SIGTERM, then drains.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes. In-flight requests then get the grace period to finish; the pool
    /// is closed either way, so no connection is left open on the server.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            listener,
            router,
            pool,
            shutdown_grace,
        } = self;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, "serving GraphQL at http://{addr}/graphql");
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let server = axum::serve(listener, router).with_graceful_shutdown(async move {
            signal.await;
            tracing::info!("shutdown requested; finishing in-flight requests");
            let _ = stopping_tx.send(true);
        });
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(shutdown_grace).await;
        };
        tokio::select! {
            result = server => result.context("the HTTP server failed")?,
            () = deadline => tracing::warn!("grace period elapsed with requests still in flight; stopping anyway"),
        }
        pool.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// `auth migrate`: create the database if it is missing, apply migrations, exit.
///
/// # Errors
/// When the database cannot be reached or a migration fails.
pub async fn migrate_only(settings: &Settings) -> anyhow::Result<()> {
    let pool = connect_lazy(&settings.pool())?;
    prepare_database(settings, &pool).await?;
    pool.close().await;
    Ok(())
}

async fn prepare_database(settings: &Settings, pool: &PgPool) -> anyhow::Result<()> {
    let url = settings.database_url.expose_secret();
    let where_ = describe_database(settings);
    // A first `cargo run` on a machine whose server lacks the database should just work, as `sqlx database
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
fn describe_database(settings: &Settings) -> String {
    let url = settings.database_url.expose_secret();
    url.parse::<sqlx::postgres::PgConnectOptions>().map_or_else(
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

struct PgReadiness(PgPool);

#[async_trait]
impl ReadinessProbe for PgReadiness {
    async fn is_ready(&self) -> bool {
        adapters::postgres::ping(&self.0, adapters::http::READINESS_TIMEOUT).await
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
