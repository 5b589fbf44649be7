//! What both storage adapters share about the failed-attempt count: the admission of a password check
//! as a compare-and-set loop over one row, so that it is atomic across replicas without a transaction
//! or a lock held across round trips.

use application::ports::RepositoryError;
use async_trait::async_trait;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::{FailedAttempts, LockedUntil, LockoutPolicy, UserId};

/// Every round that loses means another admission on the same account won. With the default threshold
/// the account locks after a few wins and the rest are refused on their next read, so this bound is
/// reached only when very many checks race on one account under a high threshold.
const ADMISSION_ROUNDS: usize = 64;

/// One store's `login_attempts` row for an account. Writes report whether they changed the row.
#[async_trait]
pub(crate) trait AttemptsTable: Sync {
    /// The stored record, or the default one if the account has none.
    async fn read(&self, id: UserId) -> Result<FailedAttempts, RepositoryError>;

    /// Stores the first record of an account that has none; `false` if another request stored one first.
    async fn insert_first(
        &self,
        id: UserId,
        record: &FailedAttempts,
    ) -> Result<bool, RepositoryError>;

    /// Replaces the record if it is still `expected`; `false` if another request changed it first.
    async fn replace(
        &self,
        id: UserId,
        expected: &FailedAttempts,
        new: &FailedAttempts,
    ) -> Result<bool, RepositoryError>;
}

/// `UserRepository::admit_password_check` for any store that can compare and set one row.
pub(crate) async fn admit(
    table: &impl AttemptsTable,
    id: UserId,
    now: DateTime<Utc>,
    policy: &LockoutPolicy,
) -> Result<Result<FailedAttempts, LockedUntil>, RepositoryError> {
    // Both stores keep microseconds; the record returned must equal the one a later read gives.
    let now = now
        .duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now);
    for _ in 0..ADMISSION_ROUNDS {
        let stored = table.read(id).await?;
        let admitted = match stored.admit(now, policy) {
            Ok(admitted) => admitted,
            Err(locked) => return Ok(Err(locked)),
        };
        // A stored record always has a failure (the tables check it), so a zero count means no row.
        let written = if stored.count == 0 {
            table.insert_first(id, &admitted).await?
        } else {
            table.replace(id, &stored, &admitted).await?
        };
        if written {
            return Ok(Ok(admitted));
        }
    }
    // Refused as a lock is refused: the same answer as a wrong password, and no bcrypt work. An error
    // here would answer differently from an unknown email, and a burst of guesses is exactly when a
    // check should be refused rather than made.
    tracing::warn!(user_id = %id, "password check refused: too many concurrent checks on the account");
    Ok(Err(LockedUntil(now)))
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
