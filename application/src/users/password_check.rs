//! The one way a password is checked against an account, shared by `upsertUser` and `login` so that
//! both count toward the same lock: the count and the lock first (no bcrypt work while locked), then
//! the hash.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::{LockedUntil, LockoutPolicy, Password, Refusal, User};

use super::ports::{HashError, LoginAttempts, PasswordHasher, UserRepository};
use crate::ports::RepositoryError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordCheck {
    Verified,
    Wrong,
    /// Not checked: the account is locked until then.
    Locked(DateTime<Utc>),
    /// Not checked: the threshold's worth of other checks was still in flight after the whole wait.
    Busy,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CheckError {
    #[error(transparent)]
    Repository(#[from] RepositoryError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// The ports and the policy a password check needs.
pub(crate) struct Checker<'a, A, H> {
    pub attempts: &'a A,
    pub hasher: &'a H,
    pub policy: &'a LockoutPolicy,
    /// How long a check waits for the account's checks in flight to resolve.
    pub wait: Duration,
}

impl<A: LoginAttempts, H: PasswordHasher> Checker<'_, A, H> {
    /// The check takes one of the account's places before bcrypt runs (see
    /// [`domain::FailedAttempts::admit`]), so concurrent guesses cannot all slip in under the
    /// threshold, and resolves it with the outcome: a success clears the count, a failure counts.
    pub(crate) async fn check(
        &self,
        user: &User,
        password: &Password,
    ) -> Result<PasswordCheck, CheckError> {
        let admitted = self
            .attempts
            .admit_password_check(user.id, self.policy, self.wait)
            .await?;
        match admitted {
            Ok(_) => {}
            Err(Refusal::Locked(LockedUntil(until))) => {
                self.hasher.wait_as_long_as_verify().await;
                return Ok(PasswordCheck::Locked(until));
            }
            Err(Refusal::Busy) => return Ok(PasswordCheck::Busy),
        }
        let verified = match self.hasher.verify(password, &user.password_hash).await {
            Ok(verified) => verified,
            Err(e) => {
                // A hash that cannot be checked proves nothing: counted, so it never frees a place.
                self.resolve(user, false).await?;
                return Err(e.into());
            }
        };
        self.resolve(user, verified).await?;
        Ok(if verified {
            PasswordCheck::Verified
        } else {
            PasswordCheck::Wrong
        })
    }

    async fn resolve(&self, user: &User, verified: bool) -> Result<(), RepositoryError> {
        self.attempts
            .resolve_password_check(user.id, verified, self.policy)
            .await
    }
}

/// How long a check waits, by default, for the account's checks in flight: 100 checks of one account
/// at once, five in flight at a time at cost 10 on two cores, all get their turn; and still well
/// inside what a client waits for an answer.
pub const DEFAULT_CHECK_WAIT: Duration = Duration::from_secs(10);

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
