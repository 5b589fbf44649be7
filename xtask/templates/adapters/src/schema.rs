//! The service's GraphQL roots: every module's queries and mutations, merged. A new module adds its
//! `Query` and `Mutation` objects here and nowhere else.

use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::{{ plural.snake }}::graphql::{ {{- plural.pascal }}Mutation, {{ plural.pascal }}Query};

#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct Query({{ plural.pascal }}Query);

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct Mutation({{ plural.pascal }}Mutation);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    crate::graphql::sdl::<Query, Mutation>()
}
