//! The use cases of the auth service, written against ports.
//!
//! The generic part, which every job-engine service made from this template shares: the ports every
//! module may need ([`ports`]: the clock, the caller's identity, the store's failure) and the rule for
//! operations that need a session ([`require_caller`]). Then one folder per module; here only
//! [`users`]: `upsertUser` with its verify-then-change flow, the user queries, and login with its
//! lockout and session tokens. Modules talk to the outside world only through ports, so every use case
//! can be tested with mockall mocks and no database or runtime beyond the test's own.
//!
//! It must import nothing but `domain` and small utility crates: no sqlx, axum, async-graphql, bcrypt or
//! tokio. Adapters depend on it, never the other way round.

mod callers;
pub mod ports;
pub mod users;

pub use callers::{CallerError, require_caller};
pub use users::*;
