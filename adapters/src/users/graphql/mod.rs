//! The users module's GraphQL: the course's `User` type, its queries and mutations, and what the
//! module adds to the schema.

mod check_slots;
mod client_failures;
mod errors;
mod mutation;
mod page;
mod password_checks;
mod query;
mod session;
#[cfg(feature = "test-support")]
pub mod testing;
mod types;

use std::sync::Arc;
use std::time::Duration;

use application::{AuthUseCases, UpsertUser, UserQueries};
use async_graphql::ObjectType;
use domain::ClientFailurePolicy;

pub use errors::{INVALID_CREDENTIALS, INVALID_CURRENT_PASSWORD, RATE_LIMITED};
pub use mutation::UsersMutation;
pub use query::UsersQuery;
pub use session::CookieSettings;
pub use types::User;

use crate::graphql::{Builder, SchemaModule};

/// The user queries, in the schema's data.
pub type SharedQueries = Arc<dyn UserQueries>;
/// `upsertUser`, beside them.
pub type SharedUpserts = Arc<dyn UpsertUser>;
/// Login and authentication, beside them.
pub type SharedAuth = Arc<dyn AuthUseCases>;

/// Root fields that run bcrypt: an operation may hold only one of them.
pub const PASSWORD_FIELDS: &[&str] = &["upsertUser", "login"];

/// Enough to keep every hashing worker of a large machine busy with a short queue behind it.
pub const DEFAULT_PASSWORD_CHECKS_IN_FLIGHT: usize = 64;

/// The users module's part of the schema.
pub struct UsersModule {
    pub queries: SharedQueries,
    pub upserts: SharedUpserts,
    pub auth: SharedAuth,
    pub cookie: CookieSettings,
    /// How many password-checking operations (`upsertUser`, `login`) may be in flight at once. Past
    /// that they wait up to `password_check_wait` (at most four per place in flight), then are
    /// refused with `RATE_LIMITED`, instead of queueing for bcrypt without bound, so an overload
    /// costs its excess a bounded answer and leaves the other queries their threads. Freed places go
    /// to the waiting client with the fewest in flight, so one client's flood cannot starve another.
    pub password_checks_in_flight: usize,
    pub password_check_wait: Duration,
    /// How many failed checks one client (one address, or one IPv6 /64) may make on this replica
    /// before its checks are refused for a while.
    pub client_failures: ClientFailurePolicy,
}

/// The use cases' own bound on waiting for an account's checks in flight, used for the wait for a place
/// too: long enough that, at cost 10 on two cores, a burst of 100 sign-ups, or of 100 upserts of one
/// email with its password over three replicas, is served rather than refused.
pub const DEFAULT_PASSWORD_CHECK_WAIT: Duration = application::DEFAULT_CHECK_WAIT;

impl<Q, M> SchemaModule<Q, M> for UsersModule
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
{
    fn single_use_fields(&self) -> &'static [&'static str] {
        PASSWORD_FIELDS
    }

    fn install(self: Box<Self>, schema: Builder<Q, M>) -> Builder<Q, M> {
        schema
            .data(self.queries)
            .data(self.upserts)
            .data(self.auth)
            .data(self.cookie)
            .data(password_checks::PasswordCheckLimits::new(
                self.password_checks_in_flight,
                self.password_check_wait,
                self.client_failures,
            ))
            .extension(session::SessionUserPerRequest)
    }
}
