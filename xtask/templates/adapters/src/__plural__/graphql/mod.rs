//! The {{ plural.snake }} module's GraphQL: the `{{ entity.pascal }}` type, its queries and mutations,
//! and what the module adds to the schema.

mod errors;
mod mutation;
mod query;
mod types;

use std::sync::Arc;

use application::{{ entity.pascal }}UseCases;
use async_graphql::ObjectType;
use domain::PageSize;

pub use mutation::{{ plural.pascal }}Mutation;
pub use query::{{ plural.pascal }}Query;
pub use types::{Create{{ entity.pascal }}Input, Update{{ entity.pascal }}Input, {{ entity.pascal }}};

use crate::graphql::{Builder, SchemaModule};

/// What one `{{ entity.pascal }}` with every field costs: its fields, and `id`, `ownerId`,
/// `createdAt` and `updatedAt`. Keep it in step with the type when a field is added.
const FIELDS_PER_ROW: usize = {{ fields | length + 4 }};

/// The module's use cases, in the schema's data.
pub type Shared{{ plural.pascal }} = Arc<dyn {{ entity.pascal }}UseCases>;

/// The {{ plural.snake }} module's part of the schema.
pub struct {{ plural.pascal }}Module {
    pub use_cases: Shared{{ plural.pascal }},
}

impl<Q, M> SchemaModule<Q, M> for {{ plural.pascal }}Module
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
{
    /// A full page of {{ plural.prose }} with every field, so that `first: 1000` always works.
    fn complexity(&self) -> usize {
        (PageSize::MAX as usize).saturating_mul(FIELDS_PER_ROW) + 1
    }

    fn install(self: Box<Self>, schema: Builder<Q, M>) -> Builder<Q, M> {
        schema.data(self.use_cases)
    }
}
