use std::time::Duration;

use async_trait::async_trait;
use domain::{LockoutPolicy, User, UserId};

use super::credentials::Credentials;
use super::errors::Unauthenticated;
use super::{AuthError, AuthUseCases, LoginError, Session};
use crate::ports::Clock;
use crate::users::password_check::{Checker, DEFAULT_CHECK_WAIT, PasswordCheck, upgrade_hash};
use crate::users::ports::{
    LoginAttempts, PasswordHasher, PasswordVersions, SessionTokens, TokenClaims, UserRepository,
};

/// Login and authentication, generic over their ports like [`crate::UpsertUserService`], and sharing
/// its failed-attempt count through the same [`LoginAttempts`] store.
#[derive(Debug, Clone)]
pub struct AuthService<R, A, H, C, T, V> {
    repository: R,
    attempts: A,
    hasher: H,
    clock: C,
    tokens: T,
    versions: V,
    lockout: LockoutPolicy,
    check_wait: Duration,
}

impl<R, A, H, C, T, V> AuthService<R, A, H, C, T, V>
where
    R: UserRepository,
    A: LoginAttempts,
    H: PasswordHasher,
    C: Clock,
    T: SessionTokens,
    V: PasswordVersions,
{
    /// With the default [`LockoutPolicy`].
    pub fn new(repository: R, attempts: A, hasher: H, clock: C, tokens: T, versions: V) -> Self {
        Self {
            repository,
            attempts,
            hasher,
            clock,
            tokens,
            versions,
            lockout: LockoutPolicy::default(),
            check_wait: DEFAULT_CHECK_WAIT,
        }
    }

    #[must_use]
    pub fn with_lockout(mut self, lockout: LockoutPolicy) -> Self {
        self.lockout = lockout;
        self
    }

    /// How long a login's check waits for the account's other checks in flight.
    #[must_use]
    pub fn with_check_wait(mut self, wait: Duration) -> Self {
        self.check_wait = wait;
        self
    }
}

impl<R, A, H, C, T, V> AuthService<R, A, H, C, T, V>
where
    C: Clock,
    T: SessionTokens,
{
    fn claims(&self, token: &str) -> Result<TokenClaims, AuthError> {
        self.tokens
            .verify(token, self.clock.now())
            .map_err(|e| AuthError::Unauthenticated(Unauthenticated::Token(e)))
    }
}

/// The version the token carries is the one whose hash the login verified, read in the same row as that
/// hash; a change committed at any moment after that read bumps it. So no session won with the old
/// password outlives the change, however the login and the change interleave.
fn still_stands(claims: &TokenClaims, current: Option<i64>) -> Result<(), AuthError> {
    match current {
        None => Err(AuthError::Unauthenticated(Unauthenticated::UnknownUser)),
        Some(version) if version != claims.password_version => {
            Err(AuthError::Unauthenticated(Unauthenticated::PasswordChanged))
        }
        Some(_) => Ok(()),
    }
}

#[async_trait]
impl<R, A, H, C, T, V> AuthUseCases for AuthService<R, A, H, C, T, V>
where
    R: UserRepository,
    A: LoginAttempts,
    H: PasswordHasher,
    C: Clock,
    T: SessionTokens,
    V: PasswordVersions,
{
    async fn login(&self, email: &str, password: &str) -> Result<Session, LoginError> {
        let Credentials { email, password } = Credentials::parse(email, password)?;
        let Some(user) = self.repository.find_by_email(&email).await? else {
            self.hasher.verify_against_dummy(&password).await?;
            return Err(LoginError::InvalidCredentials);
        };
        let checker = Checker {
            attempts: &self.attempts,
            hasher: &self.hasher,
            policy: &self.lockout,
            wait: self.check_wait,
        };
        match checker.check(&user, &password).await? {
            PasswordCheck::Verified => {}
            PasswordCheck::Wrong | PasswordCheck::Locked(_) => {
                return Err(LoginError::InvalidCredentials);
            }
            PasswordCheck::Busy => return Err(LoginError::Busy),
        }
        upgrade_hash(&self.repository, &self.hasher, &user, &password).await;
        let token = self
            .tokens
            .issue(user.id, user.password_version, self.clock.now())
            .map_err(LoginError::Unexpected)?;
        Ok(Session { user, token })
    }

    async fn authenticate(&self, token: &str) -> Result<User, AuthError> {
        let claims = self.claims(token)?;
        let user = self.repository.find_by_id(claims.user_id).await?;
        still_stands(&claims, user.as_ref().map(|u| u.password_version))?;
        user.ok_or(AuthError::Unauthenticated(Unauthenticated::UnknownUser))
    }

    async fn identify(&self, token: &str) -> Result<UserId, AuthError> {
        let claims = self.claims(token)?;
        still_stands(&claims, self.versions.current(claims.user_id).await?)?;
        Ok(claims.user_id)
    }
}
