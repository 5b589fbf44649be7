//! The pure rules of the auth service.
//!
//! This crate owns what a user *is* and which inputs are acceptable: email syntax (as class-validator's
//! `IsEmail()` defaults decide it), the strong-password policy (`IsStrongPassword()` defaults, plus a
//! no-truncation limit), the change detection behind `upsertUser`, and the lockout policy for failed
//! password checks.
//!
//! It must never import a framework: no tokio, sqlx, axum, async-graphql, bcrypt or figment.
//! `tests/no_framework_deps.rs` enforces that by reading `cargo metadata`.

mod email;
mod lockout;
mod page;
mod password;
mod upsert;
mod user;
mod validation;

pub use email::{Email, EmailError};
pub use lockout::{FailedAttempts, LockedUntil, LockoutPolicy, LockoutPolicyError};
pub use page::{PageSize, PageSizeError};
pub use password::{
    MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, Password, PasswordHash, PasswordRule, PasswordRules,
};
pub use upsert::{PasswordChange, UpsertCommand};
pub use user::{User, UserId, UserIdError};
pub use validation::{FieldError, ValidationErrors, Violation};
