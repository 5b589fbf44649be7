use async_trait::async_trait;
use domain::{LockoutPolicy, User};

use super::{QueryError, UpsertUserError, UpsertUserInput, UserUseCases};
use crate::password_check::Checker;
use crate::ports::{Clock, PasswordHasher, UserRepository};

/// The users module, generic over its ports so that production pays nothing for the abstraction and
/// tests can swap in mocks.
#[derive(Debug, Clone)]
pub struct UserService<R, H, C> {
    pub(super) repository: R,
    pub(super) hasher: H,
    pub(super) clock: C,
    pub(super) lockout: LockoutPolicy,
}

impl<R, H, C> UserService<R, H, C>
where
    R: UserRepository,
    H: PasswordHasher,
    C: Clock,
{
    /// With the default [`LockoutPolicy`].
    pub fn new(repository: R, hasher: H, clock: C) -> Self {
        Self {
            repository,
            hasher,
            clock,
            lockout: LockoutPolicy::default(),
        }
    }

    /// Failed current-password checks in `upsertUser` count toward this lock, shared with `login`.
    #[must_use]
    pub fn with_lockout(mut self, lockout: LockoutPolicy) -> Self {
        self.lockout = lockout;
        self
    }

    pub(crate) fn checker(&self) -> Checker<'_, R, H, C> {
        Checker {
            repository: &self.repository,
            hasher: &self.hasher,
            clock: &self.clock,
            policy: &self.lockout,
        }
    }
}

#[async_trait]
impl<R, H, C> UserUseCases for UserService<R, H, C>
where
    R: UserRepository,
    H: PasswordHasher,
    C: Clock,
{
    async fn upsert_user(&self, input: UpsertUserInput) -> Result<User, UpsertUserError> {
        self.upsert(input).await
    }

    async fn user(&self, id: &str) -> Result<Option<User>, QueryError> {
        self.find_by_id(id).await
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>, QueryError> {
        self.find_by_email(email).await
    }

    async fn users(&self, first: i64, after: Option<String>) -> Result<Vec<User>, QueryError> {
        self.list(first, after.as_deref()).await
    }
}
