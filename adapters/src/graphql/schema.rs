//! The schema every service builds the same way: the abuse limits, the request guards, and each
//! module's part, given as a list.

use std::sync::Arc;

use async_graphql::{EmptySubscription, ObjectType, Schema, SchemaBuilder};

use super::caller::SharedIdentity;
use super::guards::RequestGuards;

/// Limits that keep one request's cost bounded. Introspection needs a depth of about 13.
pub const MAX_DEPTH: usize = 16;
/// A page of 1,000 rows with four fields each costs about 4,000; far above that is abuse. A module
/// whose widest page costs more raises the schema's limit to that (see [`SchemaModule::complexity`]).
pub const MAX_COMPLEXITY: usize = 10_000;

pub type Builder<Q, M> = SchemaBuilder<Q, M, EmptySubscription>;

#[derive(Debug, Clone, Copy)]
pub struct SchemaSettings {
    pub introspection: bool,
}

impl Default for SchemaSettings {
    fn default() -> Self {
        Self {
            introspection: true,
        }
    }
}

/// One module's part of the schema beyond its root fields, which its `Query` and `Mutation` objects
/// bring into the merged roots.
pub trait SchemaModule<Q, M>: Send {
    /// Root fields so costly that an operation may select at most one of them in all.
    fn single_use_fields(&self) -> &'static [&'static str] {
        &[]
    }

    /// The complexity of the costliest operation the module means to serve: its widest page with
    /// every field selected. The schema's limit is at least this, so a client may always ask for it.
    fn complexity(&self) -> usize {
        0
    }

    /// Puts the module's services into the schema's data, where its resolvers find them, and any
    /// extension it needs.
    fn install(self: Box<Self>, schema: Builder<Q, M>) -> Builder<Q, M>;
}

/// The schema without data: the limits and the request guards. Enough to print its SDL.
pub fn schema_builder<Q, M>(
    settings: SchemaSettings,
    single_use: &[&'static str],
    complexity: usize,
) -> Builder<Q, M>
where
    Q: ObjectType + Default + 'static,
    M: ObjectType + Default + 'static,
{
    let builder = Schema::build(Q::default(), M::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(complexity.max(MAX_COMPLEXITY))
        .extension(RequestGuards {
            introspection: settings.introspection,
            single_use: Arc::from(single_use),
        });
    if settings.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

/// The service's schema: every module's services in its data, the caller-identity port that guarded
/// fields ask, and the guards over the single-use fields of every module together.
pub fn build_schema<Q, M>(
    settings: SchemaSettings,
    identity: SharedIdentity,
    modules: Vec<Box<dyn SchemaModule<Q, M>>>,
) -> Schema<Q, M, EmptySubscription>
where
    Q: ObjectType + Default + 'static,
    M: ObjectType + Default + 'static,
{
    let single_use: Vec<&'static str> = modules
        .iter()
        .flat_map(|module| module.single_use_fields())
        .copied()
        .collect();
    let complexity = modules.iter().map(|m| m.complexity()).max().unwrap_or(0);
    let builder = schema_builder(settings, &single_use, complexity).data(identity);
    modules
        .into_iter()
        .fold(builder, |builder, module| module.install(builder))
        .finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl<Q, M>() -> String
where
    Q: ObjectType + Default + 'static,
    M: ObjectType + Default + 'static,
{
    schema_builder::<Q, M>(SchemaSettings::default(), &[], 0)
        .finish()
        .sdl()
}
