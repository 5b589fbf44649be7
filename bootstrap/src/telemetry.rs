//! tracing setup: readable lines in development, JSON lines in production.
//!
//! Lines go to stdout through a writer thread: a request that logs (the access log does, once each)
//! hands its line over a channel instead of taking stdout's lock and making a write call. The channel
//! is bounded and blocks when full rather than dropping lines, so under a flood the log slows the
//! service as a synchronous one would, and never loses what it was told.

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::LogFormat;

/// Lines waiting for the writer thread before a request that logs waits. The default, 128,000, is
/// allocated up front and cost about 6 MiB of idle memory.
const BUFFERED_LINES: usize = 8_192;

/// Installs the global subscriber once; later calls (tests build many apps) are ignored. Keep the guard
/// until the process ends: dropping it flushes the lines still queued.
pub fn init(format: LogFormat, filter: &str) -> WorkerGuard {
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .lossy(false)
        .thread_name("log-writer")
        .finish(std::io::stdout());
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Pretty => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_target(false)
                    // Colour codes only help a terminal; in a file or a log collector they are noise.
                    .with_ansi(std::io::stdout().is_terminal()),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init(),
    };
    guard
}
