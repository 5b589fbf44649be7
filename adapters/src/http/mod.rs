//! The HTTP surface every service shares: `POST /graphql` (API), `GET /graphql` (GraphiQL, or
//! read-only queries) with GraphiQL's files under `/graphiql/`, `GET /api/health` and `GET /api/ready`,
//! with request ids (a client's own only when it is short and plain), the client's address for
//! limits kept per client, request logs,
//! `Cache-Control: no-store`, `X-Content-Type-Options: nosniff` and a refusal to be framed on every
//! answer. Modules may add routes of their own beside them.

mod body;
mod client_address;
mod credentials;
mod graphiql;
mod graphql_handler;
mod health;
mod media_type;
mod operation_metrics;
mod problem;
mod request_id;
mod server;
#[cfg(test)]
mod tests;
mod trace_context;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, header};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use async_graphql::Executor;

pub use client_address::{ClientAddress, TrustedProxies};
pub use credentials::{SESSION_COOKIE, session_token};
pub use graphiql::PAGE_POLICY as GRAPHIQL_POLICY;
pub use problem::problem;
pub use request_id::{MAX_CLIENT_REQUEST_ID, is_acceptable_request_id};
pub use server::{ConnectionLimits, serve};

/// The Content-Security-Policy of every answer that does not set its own: nothing may be loaded by it,
/// and nothing may frame it.
pub const DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The seed's request limit is Express's 100 KB; a GraphQL request to this API needs far less.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Whether the service's dependencies answer, for `/api/ready`.
#[async_trait]
pub trait ReadinessProbe: Send + Sync + 'static {
    async fn is_ready(&self) -> bool;
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub graphiql: bool,
    /// Whose `X-Forwarded-For` names the client (see [`ClientAddress`]).
    pub trusted_proxies: TrustedProxies,
    pub body_limit: usize,
    /// From the end of the request head until the whole body is in.
    pub body_read_timeout: Duration,
    pub observe: Observe,
}

/// What the service records of its requests beyond the log. Both cost a little per request, so they
/// are off unless an operator asks for them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Observe {
    /// Operation metrics for `/metrics` (the recorder is installed by whoever serves them).
    pub metrics: bool,
    /// OpenTelemetry spans: the request joins the caller's trace (`traceparent`) and its log lines
    /// carry the trace id.
    pub traces: bool,
}

#[derive(Clone)]
pub(crate) struct AppState<E> {
    schema: E,
    readiness: Arc<dyn ReadinessProbe>,
    graphiql: bool,
    observe: Observe,
}

/// The service's router: the shared routes on `schema`, `routes` of the modules beside them, and the
/// layers over all of them.
pub fn router<E: Executor>(
    schema: E,
    routes: Router,
    readiness: Arc<dyn ReadinessProbe>,
    settings: HttpSettings,
) -> Router {
    let state = AppState {
        schema,
        readiness,
        graphiql: settings.graphiql,
        observe: settings.observe,
    };
    let request_id = request_id::REQUEST_ID;
    let traces = settings.observe.traces;
    Router::new()
        .route(
            "/graphql",
            get(graphql_handler::get::<E>).post(graphql_handler::post::<E>),
        )
        .route(graphiql::ROUTE, get(graphiql::asset::<E>))
        .route("/api/health", get(health::health))
        .route("/api/ready", get(health::ready::<E>))
        .with_state(state)
        .merge(routes)
        // `body.rs` is the one size cap; axum's own (2 MB by default) would refuse a larger configured one.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            body::BodyRules {
                limit: settings.body_limit,
                read_timeout: settings.body_read_timeout,
            },
            body::read_whole,
        ))
        // Answers carry accounts, their data and session cookies: no shared or browser cache may keep them.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // No answer is to be read as another type than it says (a JSON body as HTML or script)...
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // ...or shown inside another site's frame, where a click on GraphiQL could be stolen. Browsers
        // that know CSP go by frame-ancestors, older ones by X-Frame-Options.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // An answer with a policy of its own (the GraphiQL page, whose policy also has
        // frame-ancestors 'none') keeps it; every other answer is data that loads and runs nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_POLICY),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(move |request: &Request<_>| request_span(request, traces))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn_with_state(
            settings.trusted_proxies,
            client_address::identify,
        ))
        .layer(axum::middleware::map_request(request_id::drop_unacceptable))
}

/// Only the path is recorded: a query string may carry a GraphQL document, and documents may carry
/// secrets as literals.
fn request_span<B>(request: &Request<B>, traces: bool) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id,
        trace_id = tracing::field::Empty,
    );
    if traces {
        trace_context::join(&span, request.headers());
    }
    span
}

/// How long `/api/ready` waits for the database before calling it down.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(2);
