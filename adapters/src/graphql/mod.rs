//! The GraphQL API: the course's schema, served by async-graphql.

mod errors;
mod guards;
mod mutation;
mod query;
mod session;
mod types;

use std::sync::Arc;

use application::{AuthUseCases, UserUseCases};
use async_graphql::{EmptySubscription, Schema, SchemaBuilder};

pub use guards::PASSWORD_FIELDS;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use session::{CookieSettings, RequestCredentials, SESSION_COOKIE};

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The use cases every resolver reaches through the schema's data.
pub type SharedUseCases = Arc<dyn UserUseCases>;
/// The authentication use cases, beside them in the schema's data.
pub type SharedAuth = Arc<dyn AuthUseCases>;

/// Limits that keep one request's cost bounded. Introspection needs a depth of about 13.
pub const MAX_DEPTH: usize = 16;
/// `users(first: 1000)` with every `User` field costs about 4,000; far above that is abuse.
pub const MAX_COMPLEXITY: usize = 10_000;

#[derive(Debug, Clone, Copy)]
pub struct SchemaSettings {
    pub introspection: bool,
    /// How many password-checking operations (`upsertUser`, `login`) may be in flight at once. Past
    /// that they are refused at once with `RATE_LIMITED` instead of queueing for bcrypt without bound,
    /// so an overload costs its excess a fast answer and leaves the other queries their threads.
    pub password_checks_in_flight: usize,
}

impl Default for SchemaSettings {
    fn default() -> Self {
        Self {
            introspection: true,
            password_checks_in_flight: DEFAULT_PASSWORD_CHECKS_IN_FLIGHT,
        }
    }
}

/// Enough to keep every hashing worker of a large machine busy with a short queue behind it.
pub const DEFAULT_PASSWORD_CHECKS_IN_FLIGHT: usize = 64;

/// The schema without data, enough to print its SDL.
pub fn schema_builder(
    settings: SchemaSettings,
) -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    let builder = Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(guards::RequestGuards {
            introspection: settings.introspection,
        });
    if settings.introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

pub fn build_schema(
    use_cases: SharedUseCases,
    auth: SharedAuth,
    settings: SchemaSettings,
    cookie: CookieSettings,
) -> AppSchema {
    schema_builder(settings)
        .data(use_cases)
        .data(auth)
        .data(cookie)
        .data(mutation::PasswordCheckLimit::new(
            settings.password_checks_in_flight,
        ))
        .finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder(SchemaSettings::default()).finish().sdl()
}
