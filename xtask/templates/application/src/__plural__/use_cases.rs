use async_trait::async_trait;
use domain::{Caller, {{ entity.pascal }}, {{ entity.pascal }}Draft, {{ entity.pascal }}PatchDraft};

use super::{
    Create{{ entity.pascal }}Error, Delete{{ entity.pascal }}Error, {{ entity.pascal }}QueryError,
    Update{{ entity.pascal }}Error,
};

/// The driving port: what the API adapters may ask of the {{ plural.snake }} module.
///
/// Every operation runs for a [`Caller`], which only the caller-identity port makes (see
/// [`crate::require_caller`]), and reaches only that caller's own {{ plural.prose }}. Ids arrive raw,
/// as a client sent them, and are checked here, so every adapter reports the same rules the same way.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait {{ entity.pascal }}UseCases: Send + Sync + 'static {
    /// `Ok(None)` when the caller has no {{ entity.prose }} with this id, whether there is none or it is
    /// someone else's.
    ///
    /// # Errors
    /// [`{{ entity.pascal }}QueryError::InvalidInput`] (field `id`) when `id` is not an id.
    async fn {{ entity.snake }}(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Option<{{ entity.pascal }}>, {{ entity.pascal }}QueryError>;

    /// A keyset page of the caller's {{ plural.prose }} in id order.
    ///
    /// # Errors
    /// [`{{ entity.pascal }}QueryError::InvalidInput`] (fields `first`, `after`) when `first` is
    /// outside `0..=1000` or `after` is not an id.
    async fn {{ plural.snake }}(
        &self,
        caller: &Caller,
        first: i64,
        after: Option<String>,
    ) -> Result<Vec<{{ entity.pascal }}>, {{ entity.pascal }}QueryError>;

    /// Stores a new {{ entity.prose }} owned by the caller.
    ///
    /// # Errors
    /// [`Create{{ entity.pascal }}Error::InvalidInput`] naming every broken rule of every field.
    async fn create_{{ entity.snake }}(
        &self,
        caller: &Caller,
        draft: {{ entity.pascal }}Draft,
    ) -> Result<{{ entity.pascal }}, Create{{ entity.pascal }}Error>;

    /// Applies `patch` to the caller's {{ entity.prose }}: fields it leaves out stay as they are, and
    /// when nothing changes nothing is written and `updatedAt` does not move.
    ///
    /// # Errors
    /// [`Update{{ entity.pascal }}Error::InvalidInput`] for a bad id or field,
    /// [`Update{{ entity.pascal }}Error::NotFound`] when the caller has no {{ entity.prose }} with this
    /// id, [`Update{{ entity.pascal }}Error::Conflict`] when it kept changing concurrently.
    async fn update_{{ entity.snake }}(
        &self,
        caller: &Caller,
        id: &str,
        patch: {{ entity.pascal }}PatchDraft,
    ) -> Result<{{ entity.pascal }}, Update{{ entity.pascal }}Error>;

    /// Deletes the caller's {{ entity.prose }}.
    ///
    /// # Errors
    /// [`Delete{{ entity.pascal }}Error::InvalidInput`] for a bad id,
    /// [`Delete{{ entity.pascal }}Error::NotFound`] when the caller has no {{ entity.prose }} with this
    /// id.
    async fn delete_{{ entity.snake }}(&self, caller: &Caller, id: &str) -> Result<(), Delete{{ entity.pascal }}Error>;
}
