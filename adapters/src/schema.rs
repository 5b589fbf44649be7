//! The service's GraphQL roots: every module's queries and mutations, merged. A new module adds its
//! `Query` and `Mutation` objects here and nowhere else.

use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::users::graphql::{UsersMutation, UsersQuery};

#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct Query(UsersQuery);

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct Mutation(UsersMutation);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    crate::graphql::sdl::<Query, Mutation>()
}
