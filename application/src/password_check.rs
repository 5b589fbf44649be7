//! The one way a password is checked against an account, shared by `upsertUser` and `login` so that
//! both count toward the same lock: the lock first (no bcrypt work while locked), then the hash, then
//! the count.

use chrono::{DateTime, Utc};
use domain::{FailedAttempts, LockoutPolicy, Password, User};

use crate::ports::{Clock, HashError, PasswordHasher, RepositoryError, UserRepository};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordCheck {
    Verified,
    Wrong,
    /// Not checked: the account is locked until then.
    Locked(DateTime<Utc>),
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CheckError {
    #[error(transparent)]
    Repository(#[from] RepositoryError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// The ports and the policy a password check needs.
pub(crate) struct Checker<'a, R, H, C> {
    pub repository: &'a R,
    pub hasher: &'a H,
    pub clock: &'a C,
    pub policy: &'a LockoutPolicy,
}

impl<R: UserRepository, H: PasswordHasher, C: Clock> Checker<'_, R, H, C> {
    /// Concurrent wrong guesses that all read the account unlocked may each run bcrypt, so a lock can
    /// arrive up to "checks in flight" failures late; the count itself never loses one.
    pub(crate) async fn check(
        &self,
        user: &User,
        password: &Password,
    ) -> Result<PasswordCheck, CheckError> {
        let attempts = self.repository.failed_attempts(user.id).await?;
        if let Some(until) = attempts.locked_until
            && attempts.is_locked_at(self.clock.now())
        {
            return Ok(PasswordCheck::Locked(until));
        }
        if self.hasher.verify(password, &user.password_hash).await? {
            if attempts != FailedAttempts::default() {
                self.repository.clear_failed_attempts(user.id).await?;
            }
            return Ok(PasswordCheck::Verified);
        }
        // "now" after bcrypt, which takes a noticeable fraction of a second.
        self.repository
            .record_failed_attempt(user.id, self.clock.now(), self.policy)
            .await?;
        Ok(PasswordCheck::Wrong)
    }
}
