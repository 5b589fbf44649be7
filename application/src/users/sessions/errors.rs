use domain::ValidationErrors;

use crate::ports::RepositoryError;
use crate::users::password_check::CheckError;
use crate::users::ports::{HashError, TokenRejected};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    /// Unknown email, wrong password or locked account: deliberately one answer.
    #[error("invalid email or password")]
    InvalidCredentials,
    /// The account's other checks were still in flight after the whole wait: try again shortly.
    #[error("too many password checks of this account are in flight")]
    Busy,
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Why a request is not authenticated; the client sees one answer, the log sees the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unauthenticated {
    #[error("{0}")]
    Token(TokenRejected),
    #[error("the token's user no longer exists")]
    UnknownUser,
    #[error("the password changed after the token was issued")]
    PasswordChanged,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("not authenticated: {0}")]
    Unauthenticated(Unauthenticated),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

impl From<RepositoryError> for LoginError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(e) => Self::Unavailable(e),
            RepositoryError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

impl From<HashError> for LoginError {
    fn from(error: HashError) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<CheckError> for LoginError {
    fn from(error: CheckError) -> Self {
        match error {
            CheckError::Repository(e) => e.into(),
            CheckError::Hash(e) => e.into(),
        }
    }
}

impl From<RepositoryError> for AuthError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(e) => Self::Unavailable(e),
            RepositoryError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}
