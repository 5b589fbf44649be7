//! The adapters of the {{ name }} service: they implement the application's ports and drive its use
//! cases.
//!
//! The generic part, which every job-engine service made from this template shares:
//! - [`postgres`] and [`sqlite`]: the two stores, each a handle that puts a deadline on every call;
//! - [`graphql`]: the schema builder, its abuse limits, the caller a session proves, and the error codes;
//! - [`http`]: the axum router: `/graphql` (with GraphiQL and its files under `/graphiql/`), `/api/health`
//!   and `/api/ready`;
//! - [`auth_service`]: who is calling, asked of the auth service;
//! - [`clock`]: `Clock` on the system clock;
//! - [`pool_usage`]: how a store's connections are used, for `/metrics`.
//!
//! Then one folder per module, here only [`{{ plural.snake }}`] (its repositories and its GraphQL),
//! and [`schema`], which merges every module's root fields.
//!
//! Adapters know the application and the domain; neither of those may know any adapter.

pub mod auth_service;
pub mod clock;
mod deadline;
pub mod graphql;
pub mod http;
pub mod pool_usage;
pub mod postgres;
pub mod schema;
pub mod sqlite;
pub mod {{ plural.snake }};
