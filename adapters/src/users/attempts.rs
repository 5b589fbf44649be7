//! What both stores' `LoginAttempts` share about the failed-attempt count.

use application::ports::RepositoryError;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// Both stores keep microseconds; an admission must return the record a later read gives.
pub(crate) fn to_micros(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}

/// A stored count as the domain's `u32`; a negative or oversized one is corruption, not a count.
pub(crate) fn failure_count(stored: impl Into<i64>) -> Result<u32, RepositoryError> {
    let stored = stored.into();
    u32::try_from(stored).map_err(|_| {
        RepositoryError::Unexpected(anyhow::anyhow!(
            "stored failure count {stored} is out of range"
        ))
    })
}

/// The domain's count as a stored one; no admission gets near the limit, but a wrap would unlock.
pub(crate) fn stored_count<T: TryFrom<u32>>(count: u32) -> Result<T, RepositoryError> {
    T::try_from(count).map_err(|_| {
        RepositoryError::Unexpected(anyhow::anyhow!(
            "failure count {count} does not fit the store"
        ))
    })
}
