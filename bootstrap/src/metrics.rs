//! `/metrics` in the Prometheus text format, on a listener of its own, so that it can stay inside the
//! cluster while the API is public, and so that several services on one machine each pick a port.
//!
//! The code records through the `metrics` facade wherever something happens; this module installs
//! the one recorder a process has, samples the store's pool when scraped, and serves the text.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use adapters::http::{ConnectionLimits, serve};
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::service;
use crate::settings::env_name;
use crate::store::Store;

/// Seconds, for every histogram: from a point read (a fraction of a millisecond) to a deliberately slow
/// hash at a high cost (seconds).
const BUCKETS: &[f64] = &[
    0.000_25, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets between scrapes, so that they do not pile up.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The process's recorder. A process has one, so every service started in it (tests start many)
/// records into the same one and each `/metrics` shows it.
fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = builder
                .set_buckets(BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!(
                    "another metrics recorder was installed first; /metrics shows nothing"
                );
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    metrics::describe_gauge!(
        "build_info",
        "1, labelled with the service's name and version"
    );
    metrics::describe_histogram!(
        "graphql_operation_duration_seconds",
        metrics::Unit::Seconds,
        "GraphQL operations by type, root field and result code"
    );
    metrics::describe_histogram!(
        "db_call_duration_seconds",
        metrics::Unit::Seconds,
        "Store calls, a wait for a free connection included, by outcome"
    );
    metrics::describe_gauge!(
        "db_pool_connections",
        "The store's connections, by state: in_use or idle"
    );
    metrics::describe_gauge!(
        "db_pool_connections_max",
        "The most connections the store may open"
    );
    metrics::describe_counter!(
        "db_pool_acquire_timeouts_total",
        "Store calls that waited the whole acquire timeout for a connection and were refused"
    );
}

/// The metrics listener, bound at start-up so that a taken port fails the start, not a scrape.
#[derive(Debug)]
pub struct MetricsListener {
    listener: TcpListener,
    handle: PrometheusHandle,
}

impl MetricsListener {
    /// Installs the recorder if this process has none yet, and binds `addr`.
    ///
    /// # Errors
    /// When `addr` cannot be bound; the message names the setting.
    pub async fn bind(addr: SocketAddr) -> anyhow::Result<Self> {
        let handle = handle();
        metrics::gauge!(
            "build_info",
            "service" => service::NAME,
            "version" => env!("CARGO_PKG_VERSION"),
        )
        .set(1.0);
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            anyhow::anyhow!(
                "could not listen for metrics on {addr}: {e}; set {} to a free host:port (port 0 picks one)",
                env_name("metrics_addr")
            )
        })?;
        Ok(Self { listener, handle })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// Serves `GET /metrics` until `stop` completes.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn serve(
        self,
        store: Store,
        limits: ConnectionLimits,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Self { listener, handle } = self;
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(%addr, "serving metrics at http://{addr}/metrics");
        }
        let upkeep = {
            let handle = handle.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(UPKEEP_EVERY);
                loop {
                    every.tick().await;
                    handle.run_upkeep();
                }
            })
        };
        let router = Router::new()
            .route("/metrics", get(scrape))
            .with_state(Scraped { handle, store });
        let served = serve(listener, router, limits, stop).await;
        upkeep.abort();
        served
    }
}

#[derive(Clone)]
struct Scraped {
    handle: PrometheusHandle,
    store: Store,
}

/// The pool is sampled when scraped: its state at that moment is what a gauge should show.
async fn scrape(State(scraped): State<Scraped>) -> impl IntoResponse {
    let usage = scraped.store.pool_usage();
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(f64::from(usage.in_use()));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(usage.idle));
    metrics::gauge!("db_pool_connections_max").set(f64::from(usage.max));
    (
        [(header::CONTENT_TYPE, TEXT_FORMAT)],
        scraped.handle.render(),
    )
}
