//! The deadline both stores put on every call, and what is observed of each: a span, so that a trace
//! shows the call under the request that made it, and its duration in `db_call_duration_seconds`, which
//! includes any wait for a free connection.

use std::future::Future;
use std::time::{Duration, Instant};

use application::ports::RepositoryError;
use tracing::Instrument;

pub const CALL_DURATION: &str = "db_call_duration_seconds";

/// `call`'s outcome, or [`RepositoryError::Unavailable`] if it has not finished within `limit`.
pub(crate) async fn within<T, E: From<RepositoryError>>(
    limit: Duration,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    // Only under a span (a request's): a background task's calls, a heartbeat twice a second, would
    // each be a trace of its own and bury the requests' traces.
    let span = if tracing::Span::current().is_none() {
        tracing::Span::none()
    } else {
        tracing::debug_span!("store call")
    };
    let outcome = tokio::time::timeout(limit, call).instrument(span).await;
    let label = match &outcome {
        Ok(Ok(_)) => "ok",
        Ok(Err(_)) => "error",
        Err(_) => "timeout",
    };
    metrics::histogram!(CALL_DURATION, "outcome" => label).record(started.elapsed());
    outcome.unwrap_or_else(|_| {
        Err(RepositoryError::Unavailable(anyhow::anyhow!(
            "the store did not answer within {limit:?}"
        ))
        .into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_that_outlives_the_limit_is_unavailable_at_the_limit() {
        let started = std::time::Instant::now();
        let outcome: Result<(), RepositoryError> = within(Duration::from_millis(20), async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        })
        .await;
        assert!(
            matches!(outcome, Err(RepositoryError::Unavailable(_))),
            "{outcome:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn a_call_within_the_limit_keeps_its_outcome() {
        let made: Result<u8, RepositoryError> =
            within(Duration::from_secs(5), async { Ok(7) }).await;
        assert_eq!(made.expect("in time"), 7);
        let failed: Result<u8, RepositoryError> = within(Duration::from_secs(5), async {
            Err(RepositoryError::Unexpected(anyhow::anyhow!("boom")))
        })
        .await;
        assert!(matches!(failed, Err(RepositoryError::Unexpected(_))));
    }
}
