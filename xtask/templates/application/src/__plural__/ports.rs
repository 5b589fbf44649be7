//! The {{ plural.snake }} module's driven port: where {{ plural.prose }} are kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{CallerId, PageSize, {{ entity.pascal }}, {{ entity.pascal }}Fields, {{ entity.pascal }}Id};

use crate::ports::RepositoryError;

/// A {{ entity.prose }} about to be stored; the store assigns the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct New{{ entity.pascal }} {
    pub owner_id: CallerId,
    pub fields: {{ entity.pascal }}Fields,
    pub created_at: DateTime<Utc>,
}

/// Persistence of {{ plural.prose }}. Every read and write is scoped to an owner: a caller reaches only
/// the rows they created, and another owner's row is answered exactly as a missing one is.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait {{ entity.pascal }}Repository: Send + Sync + 'static {
    /// Stores a new {{ entity.prose }} with `created_at == updated_at == new.created_at` (as stored,
    /// e.g. truncated to the store's precision) and returns it as stored.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] when the store cannot be reached in time,
    /// [`RepositoryError::Unexpected`] otherwise; nothing is written in either case.
    async fn create(&self, new: New{{ entity.pascal }}) -> Result<{{ entity.pascal }}, RepositoryError>;

    /// The {{ entity.prose }} with this id if `owner` created it; `Ok(None)` otherwise.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn find(
        &self,
        owner: CallerId,
        id: {{ entity.pascal }}Id,
    ) -> Result<Option<{{ entity.pascal }}>, RepositoryError>;

    /// Up to `first` of `owner`'s {{ plural.prose }} with ids greater than `after`, in ascending id
    /// order (keyset pagination).
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`].
    async fn list(
        &self,
        owner: CallerId,
        after: Option<{{ entity.pascal }}Id>,
        first: PageSize,
    ) -> Result<Vec<{{ entity.pascal }}>, RepositoryError>;

    /// Compare-and-set of the fields: replaces `current`'s fields with `fields` only if the stored row
    /// (of `current`'s owner) still has `current.updated_at`, and moves `updated_at` to `at`, or a
    /// millisecond past the stored value if `at` is not later, so that it always moves visibly. Returns the row as stored,
    /// or `Ok(None)` if it changed meanwhile or is gone; then nothing was written.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; nothing is written.
    async fn replace(
        &self,
        current: &{{ entity.pascal }},
        fields: &{{ entity.pascal }}Fields,
        at: DateTime<Utc>,
    ) -> Result<Option<{{ entity.pascal }}>, RepositoryError>;

    /// Deletes the {{ entity.prose }} with this id if `owner` created it, and says whether there was
    /// one.
    ///
    /// # Errors
    /// [`RepositoryError::Unavailable`] or [`RepositoryError::Unexpected`]; the row may or may not be
    /// gone.
    async fn delete(&self, owner: CallerId, id: {{ entity.pascal }}Id) -> Result<bool, RepositoryError>;
}
