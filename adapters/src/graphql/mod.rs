//! GraphQL as every service of this template serves it: the schema builder with its abuse limits and
//! request guards, the caller a session proves, the `DateTime` scalar, and the error codes. Each
//! module's types and resolvers live in its own folder (`<module>/graphql/`).

mod caller;
pub mod errors;
mod guards;
mod scalars;
mod schema;

pub use caller::{RequestCredentials, SharedIdentity, request_token, require_caller};
pub use errors::IntoGraphQlError;
pub use guards::{
    GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, MAX_EXPANDED_SELECTIONS,
    OPERATION_RESOLUTION_FAILURE,
};
pub use scalars::{DateTime, DateTimeText};
pub use schema::{
    Builder, MAX_COMPLEXITY, MAX_DEPTH, SchemaModule, SchemaSettings, build_schema, schema_builder,
    sdl,
};
