use async_trait::async_trait;
use domain::UserId;

use crate::ports::RepositoryError;

/// Each user's current password version, the one thing a guard needs to know whether a session token
/// still stands ([`crate::AuthUseCases::identify`]). A port of its own, apart from
/// [`super::UserRepository`], so that an adapter may answer it from memory and keep the store out of
/// every guarded request.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordVersions: Send + Sync + 'static {
    /// The user's password version as of now, or `None` when the user is gone. An answer from memory
    /// MUST reflect every change the store committed before this call began on the same process, and on
    /// other processes within a bound the adapter documents.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn current(&self, id: UserId) -> Result<Option<i64>, RepositoryError>;
}
