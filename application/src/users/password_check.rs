//! The one way a password is checked against an account, shared by `upsertUser` and `login` so that
//! both count toward the same lock: the count and the lock first (no bcrypt work while locked), then
//! the hash.

use chrono::{DateTime, Utc};
use domain::{LockedUntil, LockoutPolicy, Password, User};

use super::ports::{HashError, LoginAttempts, PasswordHasher, UserRepository};
use crate::ports::{Clock, RepositoryError};

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
pub(crate) struct Checker<'a, A, H, C> {
    pub attempts: &'a A,
    pub hasher: &'a H,
    pub clock: &'a C,
    pub policy: &'a LockoutPolicy,
}

impl<A: LoginAttempts, H: PasswordHasher, C: Clock> Checker<'_, A, H, C> {
    /// The check is counted as a failure before bcrypt runs (see [`domain::FailedAttempts::admit`]),
    /// so concurrent guesses cannot all slip in under the threshold; a success then clears the count.
    pub(crate) async fn check(
        &self,
        user: &User,
        password: &Password,
    ) -> Result<PasswordCheck, CheckError> {
        let admitted = self
            .attempts
            .admit_password_check(user.id, self.clock.now(), self.policy)
            .await?;
        if let Err(LockedUntil(until)) = admitted {
            self.hasher.wait_as_long_as_verify().await;
            return Ok(PasswordCheck::Locked(until));
        }
        if self.hasher.verify(password, &user.password_hash).await? {
            self.attempts.clear_failed_attempts(user.id).await?;
            return Ok(PasswordCheck::Verified);
        }
        Ok(PasswordCheck::Wrong)
    }
}

/// After a verified check: if the stored hash is of another cost than the configured one, stores a
/// fresh hash of the same password. Best effort: a failure leaves the old hash, which still verifies,
/// and the next successful check tries again, so it never fails the check that triggered it.
pub(crate) async fn upgrade_hash<R: UserRepository, H: PasswordHasher>(
    repository: &R,
    hasher: &H,
    user: &User,
    password: &Password,
) {
    if !hasher.needs_rehash(&user.password_hash) {
        return;
    }
    let Ok(new) = hasher.hash(password).await else {
        return;
    };
    let _ = repository
        .rehash_password(user.id, &user.password_hash, &new)
        .await;
}
