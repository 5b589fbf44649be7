//! The {{ plural.snake }} module's adapters: its repository on both stores, and its GraphQL.

pub mod graphql;
pub mod postgres;
pub mod sqlite;
