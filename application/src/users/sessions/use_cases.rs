use async_trait::async_trait;
use domain::{User, UserId};

use super::{AuthError, LoginError};
use crate::users::ports::IssuedToken;

/// A successful login: the user and the token that proves it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub token: IssuedToken,
}

/// The driving port for authentication. Inputs are raw, as a client sent them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AuthUseCases: Send + Sync + 'static {
    /// Checks the credentials and issues a session token.
    ///
    /// # Errors
    /// [`LoginError::InvalidCredentials`] for an unknown email, a wrong password and a locked account
    /// alike, so the answer never tells which; [`LoginError::InvalidInput`] (field `email`) when the
    /// email is not an address at all; unavailable or failing dependencies.
    async fn login(&self, email: &str, password: &str) -> Result<Session, LoginError>;

    /// The user a session token belongs to.
    ///
    /// # Errors
    /// [`AuthError::Unauthenticated`] when the token is invalid or expired, its user is gone, or the
    /// password changed after it was issued; unavailable or failing dependencies.
    async fn authenticate(&self, token: &str) -> Result<User, AuthError>;

    /// Whose a session token is, when the caller needs the id alone (the guards). The same refusals as
    /// [`Self::authenticate`], but the password version comes from
    /// [`crate::users::ports::PasswordVersions`], which may answer from memory.
    ///
    /// # Errors
    /// As [`Self::authenticate`].
    async fn identify(&self, token: &str) -> Result<UserId, AuthError>;
}
