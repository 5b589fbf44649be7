//! Wiring and serving.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use adapters::graphql::{SchemaModule, SchemaSettings, SharedIdentity, build_schema};
use adapters::http::{ConnectionLimits, HttpSettings, Observe, router, serve};
use adapters::schema::{Mutation, Query};
use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

use crate::metrics::MetricsListener;
use crate::store::{Migrations, Store};
use crate::{Settings, service, telemetry};

/// How long shutdown waits for the metrics listener's last scrapes once the API has drained.
const METRICS_CLOSE: Duration = Duration::from_secs(2);

/// What the service's modules give the server: who answers "who is calling", each module's part of
/// the schema, and any HTTP routes of their own.
pub struct Wiring {
    pub identity: SharedIdentity,
    pub modules: Vec<Box<dyn SchemaModule<Query, Mutation>>>,
    pub routes: Router,
}

/// A built, bound service: `build` does everything that can fail at start, so `run_*` only serves.
pub struct Application {
    listener: TcpListener,
    metrics: Option<MetricsListener>,
    router: Router,
    store: Store,
    shutdown_grace: Duration,
    limits: ConnectionLimits,
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
        let migrations = if settings.database.run_migrations {
            Migrations::ApplyWhenReachable
        } else {
            Migrations::Skip
        };
        let store = Store::open(&settings.storage(), migrations).await?;
        let Wiring {
            identity,
            modules,
            routes,
        } = service::wire(&store, settings)?;
        let server = &settings.server;
        let metrics = match server.metrics_addr {
            Some(addr) => Some(MetricsListener::bind(addr).await?),
            None => None,
        };
        let schema = build_schema(
            SchemaSettings {
                introspection: server.introspection,
            },
            identity,
            modules,
        );
        let http = HttpSettings {
            graphiql: server.graphiql,
            trusted_proxies: settings.trusted_proxies().map_err(anyhow::Error::msg)?,
            body_limit: server.body_limit_bytes,
            body_read_timeout: Duration::from_millis(server.body_read_timeout_ms),
            observe: Observe {
                metrics: metrics.is_some(),
                traces: telemetry::traces_enabled(),
            },
        };
        let router = router(schema, routes, Arc::new(store.clone()), http);
        let listener = TcpListener::bind((server.host, server.port))
            .await
            .map_err(|e| listen_error(&e, server.host, server.port))?;
        Ok(Self {
            listener,
            metrics,
            router,
            store,
            shutdown_grace: settings.shutdown_grace(),
            limits: settings.connection_limits(),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// The port `/metrics` is served on, when it is.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(MetricsListener::port)
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
            metrics,
            router,
            store,
            shutdown_grace,
            limits,
        } = self;
        let addr = listener.local_addr()?;
        let url = format!("http://{}/graphql", reachable(addr));
        tracing::info!(%addr, "serving GraphQL at {url}");
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        // Scrapes go on while requests drain, so the drain itself can be watched; they end with the server.
        let (served_tx, served_rx) = tokio::sync::watch::channel(false);
        let metrics = metrics.map(|metrics| {
            let mut served = served_rx;
            tokio::spawn(metrics.serve(store.clone(), limits, async move {
                let _ = served.wait_for(|served| *served).await;
            }))
        });
        let server = serve(listener, router, limits, async move {
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
        let _ = served_tx.send(true);
        if let Some(mut metrics) = metrics {
            // A scraper that stops reading mid-answer would hold its connection, and shutdown, forever.
            match tokio::time::timeout(METRICS_CLOSE, &mut metrics).await {
                Ok(Ok(Err(error))) => tracing::warn!(%error, "the metrics server failed"),
                Ok(Err(error)) => tracing::warn!(%error, "the metrics server stopped abnormally"),
                Ok(Ok(Ok(()))) => {}
                Err(_) => metrics.abort(),
            }
        }
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// `<name> migrate`: create the database if it is missing, apply migrations, exit.
///
/// # Errors
/// When the database cannot be reached or a migration fails.
pub async fn migrate_only(settings: &Settings) -> anyhow::Result<()> {
    Store::open(&settings.storage(), Migrations::Apply)
        .await?
        .close()
        .await;
    Ok(())
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

/// Where a person on this machine can open a server listening on `addr`: an unspecified address
/// (0.0.0.0, ::) listens on every interface, localhost included, but is no address to open.
fn reachable(addr: std::net::SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("localhost:{}", addr.port())
    } else {
        addr.to_string()
    }
}

/// A taken port is the usual first-run failure, so its message says how to pick another.
fn listen_error(error: &std::io::Error, host: std::net::IpAddr, port: u16) -> anyhow::Error {
    let base = format!("could not listen on {host}:{port}: {error}");
    if error.kind() == std::io::ErrorKind::AddrInUse {
        anyhow::anyhow!(
            "{base}; another process has that port: stop it, or set PORT to a free port (PORT=0 picks one)"
        )
    } else {
        anyhow::anyhow!(base)
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};

    use super::*;

    #[test]
    fn the_start_up_line_names_an_address_a_person_can_open() {
        let every = SocketAddr::from((Ipv4Addr::UNSPECIFIED, 3000));
        assert_eq!(reachable(every), "localhost:3000");
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 3001));
        assert_eq!(reachable(loopback), "127.0.0.1:3001");
    }

    #[test]
    fn a_taken_port_says_how_to_choose_another() {
        let taken = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
        let port = taken.local_addr().expect("bound").port();
        let error = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect_err("taken");
        let message = listen_error(&error, Ipv4Addr::LOCALHOST.into(), port).to_string();
        assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
        assert!(message.contains("set PORT to a free port"), "{message}");
    }
}
