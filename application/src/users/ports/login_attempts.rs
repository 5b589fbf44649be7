use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FailedAttempts, LockedUntil, LockoutPolicy, UserId};

use crate::ports::RepositoryError;

/// Each account's consecutive failed password checks, for the temporary lockout.
///
/// They are kept apart from the user, so recording one never moves the user's `updated_at`, and in the
/// shared store, so that the count holds across every replica.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LoginAttempts: Send + Sync + 'static {
    /// The account's consecutive failed password checks; an account with none has the default record.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn failed_attempts(&self, id: UserId) -> Result<FailedAttempts, RepositoryError>;

    /// Admits one password check on the account, or refuses it while the account is locked: reads the
    /// record, applies [`FailedAttempts::admit`] at `now` under `policy`, and stores the result, so that
    /// concurrent admissions, from any number of replicas sharing the store, each see the record the
    /// previous one stored: none is lost and none slips past a lock another one set. Returns the record
    /// as stored, or the lock that refused the check; a refused check writes nothing.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; the admission may or may
    /// not have been stored (the connection can fail after the write).
    async fn admit_password_check(
        &self,
        id: UserId,
        now: DateTime<Utc>,
        policy: &LockoutPolicy,
    ) -> Result<Result<FailedAttempts, LockedUntil>, RepositoryError>;

    /// Forgets the account's failures and lock, after a successful password check. Clearing an
    /// account with no record is not an error.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn clear_failed_attempts(&self, id: UserId) -> Result<(), RepositoryError>;
}
