//! The pure rules of the auth service.
//!
//! The generic part, which every job-engine service made from this template shares: ids ([`Id`]), the
//! caller a session proves ([`Caller`]), page sizes ([`PageSize`]) and the one shape of a validation
//! failure ([`ValidationErrors`]). Then one folder per module; here only [`users`]: email syntax (as
//! class-validator's `IsEmail()` defaults decide it), the strong-password policy (`IsStrongPassword()`
//! defaults, plus a no-truncation limit), the change detection behind `upsertUser`, and the lockout
//! policy for failed password checks.
//!
//! It must never import a framework: no tokio, sqlx, axum, async-graphql, bcrypt or figment.
//! `tests/no_framework_deps.rs` enforces that by reading `cargo metadata`.

mod caller;
mod id;
mod page;
pub mod users;
mod validation;

pub use caller::{Caller, CallerId};
pub use id::{Id, IdError};
pub use page::{PageSize, PageSizeError, page_after};
pub use users::*;
pub use validation::{FieldError, ValidationErrors, Violation};
