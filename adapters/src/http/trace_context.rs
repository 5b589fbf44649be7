//! A request's place in a distributed trace: the caller's W3C `traceparent`, when it sends one, makes
//! the request span a child of the caller's, and the trace id is recorded on the request span so that
//! every log line of the request carries it.

use axum::http::HeaderMap;
use opentelemetry::propagation::Extractor;
use opentelemetry::trace::TraceContextExt;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The request span's field that holds the trace id.
pub(super) const TRACE_ID: &str = "trace_id";

struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(axum::http::HeaderName::as_str).collect()
    }
}

/// Joins `span` to the caller's trace, if the headers carry a valid one, and records its trace id.
/// Without an OpenTelemetry layer installed both are no-ops.
pub(super) fn join(span: &tracing::Span, headers: &HeaderMap) {
    if headers.contains_key("traceparent") {
        let parent =
            opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(headers)));
        // A malformed `traceparent` gives no valid parent: the request starts a trace of its own.
        if parent.span().span_context().is_valid() {
            let _ = span.set_parent(parent);
        }
    }
    let context = span.context();
    let span_context = context.span().span_context().clone();
    if span_context.is_valid() {
        span.record(TRACE_ID, tracing::field::display(span_context.trace_id()));
    }
}

/// Names the OpenTelemetry span behind `span`, which has already started (a tracing `otel.name`
/// recorded now would be ignored).
pub(super) fn rename(span: &tracing::Span, name: String) {
    span.context().span().update_name(name);
}
