//! What both storage adapters share about the failed-attempt count.

use application::ports::RepositoryError;

/// A stored count as the domain's `u32`; a negative or oversized one is corruption, not a count.
pub(crate) fn failure_count(stored: impl Into<i64>) -> Result<u32, RepositoryError> {
    let stored = stored.into();
    u32::try_from(stored).map_err(|_| {
        RepositoryError::Unexpected(anyhow::anyhow!(
            "stored failure count {stored} is out of range"
        ))
    })
}
