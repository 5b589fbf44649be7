//! Password versions from memory: what keeps a guarded request from reading the user row of its caller.
//!
//! Two adapters share one [`VersionCache`]: [`CachedPasswordVersions`] answers the port from it and
//! fills it from the store, and [`ForgetOnChange`] wraps the repository so that a password changed on
//! this process is forgotten here before the change is answered. Other processes learn of it from the
//! store's change feed (`postgres::spawn_version_feed`).

mod cache;

use application::ports::RepositoryError;
use application::users::ports::{CreateUserError, NewUser, PasswordVersions, UserRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, PageSize, PasswordHash, User, UserId};

pub use cache::{Lookup, VersionCache};

/// [`PasswordVersions`] from the cache, and from the store on a miss or while the cache is not trusted.
#[derive(Debug, Clone)]
pub struct CachedPasswordVersions<S> {
    store: S,
    cache: VersionCache,
}

impl<S> CachedPasswordVersions<S> {
    pub fn new(store: S, cache: VersionCache) -> Self {
        Self { store, cache }
    }
}

#[async_trait]
impl<S: PasswordVersions> PasswordVersions for CachedPasswordVersions<S> {
    async fn current(&self, id: UserId) -> Result<Option<i64>, RepositoryError> {
        let ticket = match self.cache.lookup(id) {
            Lookup::Hit(version) => return Ok(Some(version)),
            Lookup::Miss(ticket) => ticket,
        };
        let current = self.store.current(id).await?;
        // A user who is gone is not remembered: a token for one is rare, and must stay refused.
        if let (Some(version), Some(ticket)) = (current, ticket) {
            self.cache.fill(id, version, ticket);
        }
        Ok(current)
    }
}

/// How long after a failed password write the cache stays out of use: longer than a statement the
/// write gave up on can still take to commit (the statement timeout, or SQLite's busy timeout).
const LATE_COMMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The repository, forgetting a user's cached version once their password change is committed, so that
/// the process that made the change refuses older tokens at once.
#[derive(Debug, Clone)]
pub struct ForgetOnChange<R> {
    repository: R,
    cache: VersionCache,
}

impl<R> ForgetOnChange<R> {
    pub fn new(repository: R, cache: VersionCache) -> Self {
        Self { repository, cache }
    }
}

#[async_trait]
impl<R: UserRepository> UserRepository for ForgetOnChange<R> {
    async fn create(&self, user: NewUser) -> Result<User, CreateUserError> {
        self.repository.create(user).await
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepositoryError> {
        self.repository.find_by_id(id).await
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, RepositoryError> {
        self.repository.find_by_email(email).await
    }

    async fn list(
        &self,
        after: Option<UserId>,
        first: PageSize,
    ) -> Result<Vec<User>, RepositoryError> {
        self.repository.list(after, first).await
    }

    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
        at: DateTime<Utc>,
    ) -> Result<Option<User>, RepositoryError> {
        let outcome = self
            .repository
            .replace_password_hash(id, expected, new, at)
            .await;
        match &outcome {
            Ok(_) => self.cache.forget(id),
            // A call that failed, by its deadline say, may still commit after this returns.
            Err(_) => self.cache.quiet_for(LATE_COMMIT),
        }
        outcome
    }

    async fn rehash_password(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepositoryError> {
        // Not a password change: the version stays, and so does what is cached.
        self.repository.rehash_password(id, expected, new).await
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
