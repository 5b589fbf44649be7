//! The use cases of the {{ name }} service, written against ports.
//!
//! The generic part, which every job-engine service made from this template shares: the ports every
//! module may need ([`ports`]: the clock, the caller's identity, the store's failure) and the rule for
//! operations that need a session ([`require_caller`]). Then one folder per module; here only
//! [`{{ plural.snake }}`]: create, read, list, update and delete the caller's own {{ plural.prose }}.
//! Modules talk to the outside world only through ports, so every use case can be tested with mockall
//! mocks and no database or runtime beyond the test's own.
//!
//! It must import nothing but `domain` and small utility crates: no sqlx, axum, async-graphql or tokio.
//! Adapters depend on it, never the other way round.

mod callers;
pub mod ports;
pub mod {{ plural.snake }};

pub use callers::{CallerError, require_caller};
pub use {{ plural.snake }}::*;
