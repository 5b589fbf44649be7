use async_trait::async_trait;
use domain::fields::millis;
use domain::{
    Caller, ValidationErrors, {{ entity.pascal }}, {{ entity.pascal }}Draft, {{ entity.pascal }}Id,
    {{ entity.pascal }}PatchDraft, page_after,
};

use super::ports::{New{{ entity.pascal }}, {{ entity.pascal }}Repository};
use super::{
    Create{{ entity.pascal }}Error, Delete{{ entity.pascal }}Error, {{ entity.pascal }}QueryError,
    {{ entity.pascal }}UseCases, Update{{ entity.pascal }}Error,
};
use crate::ports::Clock;

/// How often an update that lost a race is tried again before it gives up with
/// [`Update{{ entity.pascal }}Error::Conflict`]. Each try re-reads the row, so this only runs out if the
/// same {{ entity.prose }} keeps changing under us.
const MAX_ATTEMPTS: usize = 3;

/// The {{ plural.snake }} module, generic over its ports (its times are kept to the millisecond, as the
/// API shows them, so that every change it writes moves `updatedAt` visibly), so that production pays nothing for the
/// abstraction and tests can swap in mocks.
#[derive(Debug, Clone)]
pub struct {{ entity.pascal }}Service<R, C> {
    repository: R,
    clock: C,
}

impl<R: {{ entity.pascal }}Repository, C: Clock> {{ entity.pascal }}Service<R, C> {
    pub fn new(repository: R, clock: C) -> Self {
        Self { repository, clock }
    }
}

#[async_trait]
impl<R: {{ entity.pascal }}Repository, C: Clock> {{ entity.pascal }}UseCases for {{ entity.pascal }}Service<R, C> {
    async fn {{ entity.snake }}(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Option<{{ entity.pascal }}>, {{ entity.pascal }}QueryError> {
        let id = {{ entity.pascal }}Id::parse_field("id", id).map_err({{ entity.pascal }}QueryError::InvalidInput)?;
        Ok(self.repository.find(caller.id, id).await?)
    }

    async fn {{ plural.snake }}(
        &self,
        caller: &Caller,
        first: i64,
        after: Option<String>,
    ) -> Result<Vec<{{ entity.pascal }}>, {{ entity.pascal }}QueryError> {
        let (first, after) =
            page_after(first, after.as_deref()).map_err({{ entity.pascal }}QueryError::InvalidInput)?;
        Ok(self.repository.list(caller.id, after, first).await?)
    }

    async fn create_{{ entity.snake }}(
        &self,
        caller: &Caller,
        draft: {{ entity.pascal }}Draft,
    ) -> Result<{{ entity.pascal }}, Create{{ entity.pascal }}Error> {
        let fields = draft.parse().map_err(Create{{ entity.pascal }}Error::InvalidInput)?;
        let new = New{{ entity.pascal }} {
            owner_id: caller.id,
            fields,
            created_at: millis(self.clock.now()),
        };
        Ok(self.repository.create(new).await?)
    }

    /// Read, apply, compare-and-set: a concurrent update that wins makes ours re-read and re-apply, so
    /// neither loses the other's fields.
    async fn update_{{ entity.snake }}(
        &self,
        caller: &Caller,
        id: &str,
        patch: {{ entity.pascal }}PatchDraft,
    ) -> Result<{{ entity.pascal }}, Update{{ entity.pascal }}Error> {
        let id = {{ entity.pascal }}Id::parse_field("id", id);
        let patch = patch.parse();
        let (id, patch) = match (id, patch) {
            (Ok(id), Ok(patch)) => (id, patch),
            (id, patch) => {
                let mut errors = ValidationErrors::new();
                for broken in [id.err(), patch.err()].into_iter().flatten() {
                    for field in broken.fields() {
                        errors.add(field.field, field.violations.clone());
                    }
                }
                return Err(Update{{ entity.pascal }}Error::InvalidInput(errors));
            }
        };
        for _ in 0..MAX_ATTEMPTS {
            let Some(current) = self.repository.find(caller.id, id).await? else {
                return Err(Update{{ entity.pascal }}Error::NotFound);
            };
            let Some(fields) = current.fields.apply(&patch) else {
                return Ok(current);
            };
            if let Some(updated) = self
                .repository
                .replace(&current, &fields, millis(self.clock.now()))
                .await?
            {
                return Ok(updated);
            }
        }
        Err(Update{{ entity.pascal }}Error::Conflict)
    }

    async fn delete_{{ entity.snake }}(&self, caller: &Caller, id: &str) -> Result<(), Delete{{ entity.pascal }}Error> {
        let id = {{ entity.pascal }}Id::parse_field("id", id).map_err(Delete{{ entity.pascal }}Error::InvalidInput)?;
        if self.repository.delete(caller.id, id).await? {
            Ok(())
        } else {
            Err(Delete{{ entity.pascal }}Error::NotFound)
        }
    }
}
