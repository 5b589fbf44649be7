use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, PageSize, PasswordHash, User, UserId};

use crate::ports::RepositoryError;

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// A user about to be stored; the store assigns the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: Email,
    pub password_hash: PasswordHash,
    pub created_at: DateTime<Utc>,
}

/// Persistence of users.
///
/// Emails arrive normalised (see [`Email`]); implementations compare them byte for byte and MUST enforce
/// their uniqueness themselves, atomically, because use cases run concurrently on many replicas.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync + 'static {
    /// Stores a new user with `created_at == updated_at == user.created_at` (as stored, e.g. truncated to
    /// the store's precision) and returns it as stored.
    ///
    /// # Errors
    /// - [`CreateUserError::EmailTaken`] if the email is already stored, including by a concurrent call.
    ///   It MUST NOT be reported as [`RepositoryError::Unexpected`].
    /// - [`CreateUserError::Repository`] with [`RepositoryError::Unavailable`] when the store cannot be
    ///   reached in time, [`RepositoryError::Unexpected`] otherwise. Nothing is written in either case.
    async fn create(&self, user: NewUser) -> Result<User, CreateUserError>;

    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; absence is `Ok(None)`.
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepositoryError>;

    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; absence is `Ok(None)`.
    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, RepositoryError>;

    /// Up to `first` users with ids greater than `after`, in ascending id order (keyset pagination).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn list(
        &self,
        after: Option<UserId>,
        first: PageSize,
    ) -> Result<Vec<User>, RepositoryError>;

    /// Compare-and-set of the password hash: replaces it only if the stored hash is still `expected`, and
    /// moves `updated_at` to `at`. Nothing else moves `updated_at`, which is what lets it serve as "when
    /// the password last changed" for revoking older session tokens. If `at` is not later than the stored
    /// value, `updated_at` moves just past it instead, so that it always moves. Returns the updated
    /// user, or `Ok(None)` if the hash changed meanwhile or the user is gone; then nothing was written.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; nothing is written.
    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
        at: DateTime<Utc>,
    ) -> Result<Option<User>, RepositoryError>;

    /// Replaces `expected` with `new`, a hash of the same password at the current cost, if `expected`
    /// is still the stored hash: a compare-and-set, so a rehash can never undo a concurrent password
    /// change. Moves neither `updated_at` nor the password version, so no session is revoked. Returns
    /// whether it wrote.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; nothing is written.
    async fn rehash_password(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepositoryError>;
}
