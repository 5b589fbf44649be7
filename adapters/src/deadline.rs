//! The deadline both stores put on every call.

use std::future::Future;
use std::time::Duration;

use application::ports::RepositoryError;

/// `call`'s outcome, or [`RepositoryError::Unavailable`] if it has not finished within `limit`.
pub(crate) async fn within<T, E: From<RepositoryError>>(
    limit: Duration,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    tokio::time::timeout(limit, call).await.unwrap_or_else(|_| {
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
