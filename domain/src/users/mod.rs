//! The users module: what an account is, which emails and passwords are acceptable, how `upsertUser`
//! detects a change, when repeated failed password checks lock an account, and when they throttle the
//! client that makes them.

mod client_failures;
mod email;
mod lockout;
mod password;
mod upsert;
mod user;

pub use client_failures::{ClientFailurePolicy, ClientFailurePolicyError, ClientFailures};
pub use email::{Email, EmailError};
pub use lockout::{
    FailedAttempts, LockedUntil, LockoutPolicy, LockoutPolicyError, Refusal,
    UNRESOLVED_CHECK_EXPIRY,
};
pub use password::{
    MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, Password, PasswordHash, PasswordRule, PasswordRules,
};
pub use upsert::{PasswordChange, UpsertCommand};
pub use user::{User, UserId};
