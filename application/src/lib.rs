//! The use cases of the auth service, written against ports.
//!
//! This crate owns *what the service does*: `upsertUser` with its verify-then-change flow, the user
//! queries, and login with its lockout and session tokens. It talks to the outside world only through
//! the traits in [`ports`], so every use case can be tested with mockall mocks and no database or
//! runtime beyond the test's own.
//!
//! It must import nothing but `domain` and small utility crates: no sqlx, axum, async-graphql, bcrypt or
//! tokio. Adapters depend on it, never the other way round.

mod auth;
mod password_check;
pub mod ports;
#[cfg(test)]
mod test_support;
mod users;

pub use auth::{
    AuthError, AuthService, AuthUseCases, Credentials, LoginError, Session, Unauthenticated,
};
pub use users::{QueryError, UpsertUserError, UpsertUserInput, UserService, UserUseCases};

#[cfg(any(test, feature = "mocks"))]
pub use auth::MockAuthUseCases;
#[cfg(any(test, feature = "mocks"))]
pub use users::MockUserUseCases;
