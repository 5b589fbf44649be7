use async_trait::async_trait;
use domain::User;

use super::{QueryError, UpsertUserError, UpsertUserInput};

/// The driving port for `upsertUser`.
///
/// Inputs are raw, as a client sent them; the use case validates them through the domain, so every
/// adapter reports the same rules the same way.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UpsertUser: Send + Sync + 'static {
    /// Creates the user if the email is unknown; otherwise verifies `password` and applies `new_password`.
    ///
    /// # Errors
    /// See [`UpsertUserError`]: invalid input, a wrong current password, a persistent concurrent change,
    /// or an unavailable or failing dependency.
    async fn upsert_user(&self, input: UpsertUserInput) -> Result<User, UpsertUserError>;
}

/// The driving port for reading users. Callers check the session first; these never need a hasher.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserQueries: Send + Sync + 'static {
    /// `Ok(None)` when no user has this id.
    ///
    /// # Errors
    /// [`QueryError::InvalidInput`] (field `id`) if `id` is not a positive integer.
    async fn user(&self, id: &str) -> Result<Option<User>, QueryError>;

    /// Case-insensitive; `Ok(None)` when absent.
    ///
    /// # Errors
    /// [`QueryError::InvalidInput`] (field `email`) if it is not an email address.
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, QueryError>;

    /// Keyset page of users in id order.
    ///
    /// # Errors
    /// [`QueryError::InvalidInput`] (fields `first`, `after`) if `first` is outside `0..=1000` or `after`
    /// is not an id.
    async fn users(&self, first: i64, after: Option<String>) -> Result<Vec<User>, QueryError>;
}
