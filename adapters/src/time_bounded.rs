//! `UserRepository` with a deadline on every call, around any store.
//!
//! A database that is frozen (stopped by a signal, a stalled disk, a network that drops packets
//! without resetting) answers nothing, and a server-side `statement_timeout` cannot fire on a server
//! that does not run. Without a deadline of the client's own, every request that had a connection
//! would wait as long as the freeze lasts. With it, each call ends as `Unavailable` after `limit`.

use std::future::Future;
use std::time::Duration;

use application::ports::{CreateUserError, NewUser, RepositoryError, UserRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    Email, FailedAttempts, LockedUntil, LockoutPolicy, PageSize, PasswordHash, User, UserId,
};

#[derive(Debug, Clone)]
pub struct TimeBounded<R> {
    inner: R,
    limit: Duration,
}

impl<R> TimeBounded<R> {
    /// `limit` should cover waiting for a connection and the longest statement the server allows.
    pub fn new(inner: R, limit: Duration) -> Self {
        Self { inner, limit }
    }

    async fn within<T, E: From<RepositoryError>>(
        &self,
        call: impl Future<Output = Result<T, E>> + Send,
    ) -> Result<T, E> {
        tokio::time::timeout(self.limit, call)
            .await
            .unwrap_or_else(|_| {
                Err(RepositoryError::Unavailable(anyhow::anyhow!(
                    "the store did not answer within {:?}",
                    self.limit
                ))
                .into())
            })
    }
}

#[async_trait]
impl<R: UserRepository> UserRepository for TimeBounded<R> {
    async fn create(&self, user: NewUser) -> Result<User, CreateUserError> {
        self.within(self.inner.create(user)).await
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepositoryError> {
        self.within(self.inner.find_by_id(id)).await
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, RepositoryError> {
        self.within(self.inner.find_by_email(email)).await
    }

    async fn list(
        &self,
        after: Option<UserId>,
        first: PageSize,
    ) -> Result<Vec<User>, RepositoryError> {
        self.within(self.inner.list(after, first)).await
    }

    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
        at: DateTime<Utc>,
    ) -> Result<Option<User>, RepositoryError> {
        self.within(self.inner.replace_password_hash(id, expected, new, at))
            .await
    }

    async fn failed_attempts(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        self.within(self.inner.failed_attempts(id)).await
    }

    async fn admit_password_check(
        &self,
        id: UserId,
        now: DateTime<Utc>,
        policy: &LockoutPolicy,
    ) -> Result<Result<FailedAttempts, LockedUntil>, RepositoryError> {
        self.within(self.inner.admit_password_check(id, now, policy))
            .await
    }

    async fn clear_failed_attempts(&self, id: UserId) -> Result<(), RepositoryError> {
        self.within(self.inner.clear_failed_attempts(id)).await
    }
}
