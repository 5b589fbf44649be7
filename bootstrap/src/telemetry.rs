//! tracing setup: readable lines in development, JSON lines in production, and OpenTelemetry traces
//! when the standard `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector.
//!
//! Lines go to stdout through a writer thread: a request that logs (the access log does, once each)
//! hands its line over a channel instead of taking stdout's lock and making a write call. The channel
//! is bounded and blocks when full rather than dropping lines, so under a flood the log slows the
//! service as a synchronous one would, and never loses what it was told.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Level;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{FilterExt, Targets, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::service;
use crate::settings::LogFormat;

/// Lines waiting for the writer thread before a request that logs waits. The default, 128,000, is
/// allocated up front and cost about 6 MiB of idle memory.
const BUFFERED_LINES: usize = 8_192;

pub const OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const OTLP_TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
const OTLP_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
const OTLP_TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
const SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
/// The one protocol this build exports with.
const HTTP_PROTOBUF: &str = "http/protobuf";

/// How long stopping waits to send the last spans: a collector that is down must not eat the pod's
/// grace period, which the request drain needs.
const LAST_SPANS: Duration = Duration::from_secs(2);
const RESOURCE_ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";

static TRACING: AtomicBool = AtomicBool::new(false);

/// Whether spans are exported: the HTTP layer then joins callers' traces and logs trace ids.
pub fn traces_enabled() -> bool {
    TRACING.load(Ordering::Relaxed)
}

/// Keep it until the process ends: dropping it writes out the lines still queued and sends the spans
/// not yet exported.
pub struct Telemetry {
    _lines: WorkerGuard,
    traces: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.traces.take()
            && let Err(error) = provider.shutdown_with_timeout(LAST_SPANS)
        {
            tracing::warn!(%error, "could not send the last spans to the collector");
        }
    }
}

/// Where spans go, read from the standard OpenTelemetry variables of `env`; `None` when neither
/// endpoint is set, which leaves traces off.
///
/// # Errors
/// When a variable asks for what this build cannot do; the message names the variable.
pub fn otlp_endpoint(env: impl Fn(&str) -> Option<String>) -> Result<Option<String>, String> {
    let endpoint = [OTLP_TRACES_ENDPOINT, OTLP_ENDPOINT]
        .into_iter()
        .find_map(|key| env(key).filter(|e| !e.trim().is_empty()).map(|e| (key, e)));
    // Without an endpoint traces are off, and a protocol set for other programs is none of ours.
    let Some((key, endpoint)) = endpoint else {
        return Ok(None);
    };
    for key in [OTLP_TRACES_PROTOCOL, OTLP_PROTOCOL] {
        if let Some(protocol) = env(key).filter(|p| !p.trim().is_empty()) {
            if protocol.trim() != HTTP_PROTOBUF {
                return Err(format!(
                    "{key}={protocol} is not supported: this build exports traces over {HTTP_PROTOBUF} only"
                ));
            }
            break;
        }
    }
    if !endpoint.starts_with("http://") {
        return Err(format!(
            "{key} must be an http:// URL (a collector beside the service); this build has no TLS \
             client for OTLP"
        ));
    }
    Ok(Some(endpoint))
}

/// Installs the global subscriber once; later calls (tests build many apps) are ignored.
///
/// # Errors
/// When the OpenTelemetry variables ask for what this build cannot do.
pub fn init(format: LogFormat, filter: &str) -> Result<Telemetry, String> {
    let traces = match otlp_endpoint(|key| std::env::var(key).ok())? {
        Some(_) => Some(tracer_provider()?),
        None => None,
    };
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .lossy(false)
        .thread_name("log-writer")
        .finish(std::io::stdout());
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let lines = match format {
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_target(false)
            // Colour codes only help a terminal; in a file or a log collector they are noise.
            .with_ansi(std::io::stdout().is_terminal())
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .boxed(),
    };
    let spans = traces.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer(service::NAME))
            .with_filter(exported_spans())
    });
    let installed = tracing_subscriber::registry()
        .with(lines.with_filter(filter))
        .with(spans)
        .try_init()
        .is_ok();
    if installed && traces.is_some() {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        TRACING.store(true, Ordering::Relaxed);
    }
    Ok(Telemetry {
        _lines: guard,
        traces,
    })
}

/// The exporter reads the endpoint, headers and timeout from the standard variables itself.
fn tracer_provider() -> Result<SdkTracerProvider, String> {
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .build()
        .map_err(|e| format!("could not set up the OTLP exporter: {e}"))?;
    let named_by_env = std::env::var_os(SERVICE_NAME).is_some()
        || std::env::var(RESOURCE_ATTRIBUTES).is_ok_and(|attributes| {
            attributes
                .split(',')
                .any(|a| a.trim().starts_with("service.name="))
        });
    let resource = if named_by_env {
        Resource::builder().build()
    } else {
        Resource::builder().with_service_name(service::NAME).build()
    };
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Spans of this service's own crates, down to each store call and hash (DEBUG), whatever the log
/// level: the log stays at its level, while a trace shows where a request spent its time. Events stay
/// in the log, which carries the trace id.
fn exported_spans<S>() -> impl tracing_subscriber::layer::Filter<S> {
    let own = Targets::new()
        .with_target("adapters", Level::DEBUG)
        .with_target("bootstrap", Level::DEBUG);
    own.and(filter_fn(|metadata| metadata.is_span()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn endpoint(vars: &[(&str, &str)]) -> Result<Option<String>, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        otlp_endpoint(|key| vars.get(key).cloned())
    }

    #[test]
    fn traces_are_off_unless_an_endpoint_is_set() {
        assert_eq!(endpoint(&[]), Ok(None));
        assert_eq!(endpoint(&[(OTLP_ENDPOINT, " ")]), Ok(None));
        assert_eq!(endpoint(&[(OTLP_PROTOCOL, HTTP_PROTOBUF)]), Ok(None));
    }

    #[test]
    fn the_traces_endpoint_wins_over_the_general_one() {
        let found = endpoint(&[
            (OTLP_ENDPOINT, "http://collector:4318"),
            (OTLP_TRACES_ENDPOINT, "http://traces:4318/v1/traces"),
        ]);
        assert_eq!(found, Ok(Some("http://traces:4318/v1/traces".to_owned())));
    }

    #[test]
    fn a_protocol_this_build_lacks_is_refused_by_name() {
        for protocol in ["grpc", "http/json"] {
            let refused = endpoint(&[
                (OTLP_ENDPOINT, "http://collector:4318"),
                (OTLP_PROTOCOL, protocol),
            ])
            .expect_err(protocol);
            assert!(refused.starts_with(OTLP_PROTOCOL), "{refused}");
            assert!(refused.contains(HTTP_PROTOBUF), "{refused}");
        }
        let refused = endpoint(&[
            (OTLP_ENDPOINT, "http://collector:4318"),
            (OTLP_TRACES_PROTOCOL, "grpc"),
        ])
        .expect_err("traces protocol");
        assert!(refused.starts_with(OTLP_TRACES_PROTOCOL), "{refused}");
        assert_eq!(
            endpoint(&[(OTLP_PROTOCOL, "grpc")]),
            Ok(None),
            "with traces off, another program's protocol is no reason to refuse to start"
        );
        assert_eq!(
            endpoint(&[
                (OTLP_ENDPOINT, "http://collector:4318"),
                (OTLP_PROTOCOL, HTTP_PROTOBUF)
            ]),
            Ok(Some("http://collector:4318".to_owned()))
        );
    }

    #[test]
    fn an_https_endpoint_is_refused_rather_than_failing_every_export() {
        let refused = endpoint(&[(OTLP_ENDPOINT, "https://collector:4318")]).expect_err("https");
        assert!(refused.starts_with(OTLP_ENDPOINT), "{refused}");
    }
}
