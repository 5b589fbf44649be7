use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use domain::{LockoutPolicy, PasswordChange, UpsertCommand, User};

use super::{UpsertUser, UpsertUserError};
use crate::ports::Clock;
use crate::users::password_check::{Checker, DEFAULT_CHECK_WAIT, PasswordCheck, upgrade_hash};
use crate::users::ports::{
    CreateUserError, LoginAttempts, NewUser, PasswordHasher, UserRepository,
};

/// How often a lost race is retried before giving up with [`UpsertUserError::Conflict`]. Each retry
/// re-reads the user, so this only runs out if the same account keeps changing under us.
const MAX_ATTEMPTS: usize = 3;

/// `upsertUser`'s input exactly as a client sent it.
#[derive(Clone, PartialEq, Eq)]
pub struct UpsertUserInput {
    pub email: String,
    pub password: String,
    pub new_password: Option<String>,
}

impl fmt::Debug for UpsertUserInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpsertUserInput")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field(
                "new_password",
                &self.new_password.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl UpsertUserInput {
    /// The checks that need neither the store nor bcrypt. The use case runs them first; a caller that
    /// rations the expensive part (the GraphQL adapter's in-flight limit) runs them before taking a
    /// share, so that bad input is named as such even under overload.
    pub fn parse(&self) -> Result<UpsertCommand, UpsertUserError> {
        UpsertCommand::parse(&self.email, &self.password, self.new_password.as_deref())
            .map_err(UpsertUserError::InvalidInput)
    }
}

/// `upsertUser`, generic over its ports so that production pays nothing for the abstraction and tests
/// can swap in mocks.
#[derive(Debug, Clone)]
pub struct UpsertUserService<R, A, H, C> {
    repository: R,
    attempts: A,
    hasher: H,
    clock: C,
    lockout: LockoutPolicy,
    check_wait: Duration,
}

impl<R, A, H, C> UpsertUserService<R, A, H, C>
where
    R: UserRepository,
    A: LoginAttempts,
    H: PasswordHasher,
    C: Clock,
{
    /// With the default [`LockoutPolicy`].
    pub fn new(repository: R, attempts: A, hasher: H, clock: C) -> Self {
        Self {
            repository,
            attempts,
            hasher,
            clock,
            lockout: LockoutPolicy::default(),
            check_wait: DEFAULT_CHECK_WAIT,
        }
    }

    /// Failed current-password checks count toward this lock, shared with `login`.
    #[must_use]
    pub fn with_lockout(mut self, lockout: LockoutPolicy) -> Self {
        self.lockout = lockout;
        self
    }

    /// How long a current-password check waits for the account's other checks in flight.
    #[must_use]
    pub fn with_check_wait(mut self, wait: Duration) -> Self {
        self.check_wait = wait;
        self
    }

    fn checker(&self) -> Checker<'_, A, H> {
        Checker {
            attempts: &self.attempts,
            hasher: &self.hasher,
            policy: &self.lockout,
            wait: self.check_wait,
        }
    }

    /// The seed's `UsersService.upsertUser`, made safe under concurrency: a lost creation race falls through
    /// to the existing-user path, and a password change is a compare-and-set against the hash that was
    /// verified, so two changes from the same old password cannot both win.
    async fn upsert(&self, input: UpsertUserInput) -> Result<User, UpsertUserError> {
        let command = input.parse()?;
        for _ in 0..MAX_ATTEMPTS {
            let outcome = match self.repository.find_by_email(&command.email).await? {
                None => self.try_create(&command).await?,
                Some(user) => self.try_update(&command, user).await?,
            };
            if let Some(user) = outcome {
                return Ok(user);
            }
        }
        Err(UpsertUserError::Conflict)
    }

    /// `Ok(None)` when another request created the same email first.
    async fn try_create(&self, command: &UpsertCommand) -> Result<Option<User>, UpsertUserError> {
        let password_hash = self.hasher.hash(&command.password).await?;
        let new_user = NewUser {
            email: command.email.clone(),
            password_hash,
            created_at: self.clock.now(),
        };
        match self.repository.create(new_user).await {
            Ok(user) => Ok(Some(user)),
            Err(CreateUserError::EmailTaken) => Ok(None),
            Err(CreateUserError::Repository(e)) => Err(e.into()),
        }
    }

    /// `Ok(None)` when the password changed between our read and our write.
    async fn try_update(
        &self,
        command: &UpsertCommand,
        user: User,
    ) -> Result<Option<User>, UpsertUserError> {
        match self.checker().check(&user, &command.password).await? {
            PasswordCheck::Verified => {}
            // A lock answers exactly as a wrong password does, so guessing learns nothing from it.
            PasswordCheck::Wrong | PasswordCheck::Locked(_) => {
                return Err(UpsertUserError::InvalidCurrentPassword);
            }
            PasswordCheck::Busy => return Err(UpsertUserError::Busy),
        }
        let PasswordChange::To(new_password) = command.password_change() else {
            upgrade_hash(&self.repository, &self.hasher, &user, &command.password).await;
            return Ok(Some(user));
        };
        let new_hash = self.hasher.hash(&new_password).await?;
        let updated = self
            .repository
            .replace_password_hash(user.id, &user.password_hash, &new_hash, self.clock.now())
            .await?;
        Ok(updated)
    }
}

#[async_trait]
impl<R, A, H, C> UpsertUser for UpsertUserService<R, A, H, C>
where
    R: UserRepository,
    A: LoginAttempts,
    H: PasswordHasher,
    C: Clock,
{
    async fn upsert_user(&self, input: UpsertUserInput) -> Result<User, UpsertUserError> {
        self.upsert(input).await
    }
}
