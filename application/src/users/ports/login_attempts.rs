use std::time::Duration;

use async_trait::async_trait;
use domain::{FailedAttempts, LockoutPolicy, Refusal, UserId};

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

    /// Admits one password check on the account, or refuses it: reads the record, applies
    /// [`FailedAttempts::admit`] under `policy`, and stores the result, so that concurrent admissions,
    /// from any number of replicas sharing the store, each see the record the previous one stored: none
    /// is lost and none slips past a lock or a place another one took. Returns the record as stored, or
    /// the refusal; a refused check writes nothing.
    ///
    /// Time is the store's clock, never the caller's: replicas whose clocks disagree still agree on
    /// when a lock ends. While the account is [`Refusal::Busy`], it asks again until the checks in
    /// flight resolve, for up to `wait`, and returns `Busy` only if they have not.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; the admission may or may
    /// not have been stored (the connection can fail after the write).
    async fn admit_password_check(
        &self,
        id: UserId,
        policy: &LockoutPolicy,
        wait: Duration,
    ) -> Result<Result<FailedAttempts, Refusal>, RepositoryError>;

    /// Resolves one admitted check with its outcome, applying [`FailedAttempts::resolve`] at the
    /// store's clock: a success forgets the account's failures and lock, a failure counts.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn resolve_password_check(
        &self,
        id: UserId,
        verified: bool,
        policy: &LockoutPolicy,
    ) -> Result<(), RepositoryError>;
}
