use domain::ValidationErrors;

use crate::ports::RepositoryError;
use crate::users::password_check::CheckError;
use crate::users::ports::HashError;

/// Everything `upsertUser` can answer besides a user, in the caller's terms.
#[derive(Debug, thiserror::Error)]
pub enum UpsertUserError {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    /// The email exists and `password` is not its current password.
    #[error("the current password is not correct")]
    InvalidCurrentPassword,
    /// The password kept changing under us; the caller may retry.
    #[error("the user was changed concurrently; retry the request")]
    Conflict,
    /// The account's other checks were still in flight after the whole wait: try again shortly.
    #[error("too many password checks of this account are in flight")]
    Busy,
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Everything a user query can answer besides its result.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

impl From<RepositoryError> for UpsertUserError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(e) => Self::Unavailable(e),
            RepositoryError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

impl From<HashError> for UpsertUserError {
    fn from(error: HashError) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<RepositoryError> for QueryError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(e) => Self::Unavailable(e),
            RepositoryError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

impl From<CheckError> for UpsertUserError {
    fn from(error: CheckError) -> Self {
        match error {
            CheckError::Repository(e) => e.into(),
            CheckError::Hash(e) => e.into(),
        }
    }
}
