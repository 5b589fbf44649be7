//! The pure rules of the {{ name }} service.
//!
//! The generic part, which every job-engine service made from this template shares: ids ([`Id`]), the
//! caller a session proves ([`Caller`]), page sizes ([`PageSize`]), the one shape of a validation
//! failure ([`ValidationErrors`]) and the rules every field shares ([`fields`]). Then one folder per
//! module; here only [`{{ plural.snake }}`]: what a {{ entity.prose }} is, the rules of its fields, and
//! the change detection behind `update{{ entity.pascal }}`.
//!
//! It must never import a framework: no tokio, sqlx, axum, async-graphql or figment.
//! `tests/no_framework_deps.rs` enforces that by reading `cargo metadata`.

mod caller;
pub mod fields;
mod id;
pub mod {{ plural.snake }};
mod page;
mod validation;

pub use caller::{Caller, CallerId};
pub use id::{Id, IdError};
pub use page::{PageSize, PageSizeError, page_after};
pub use validation::{FieldError, ValidationErrors, Violation};
pub use {{ plural.snake }}::*;
