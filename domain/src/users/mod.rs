//! The users module: what an account is, which emails and passwords are acceptable, how `upsertUser`
//! detects a change, and when repeated failed password checks lock an account.

mod email;
mod lockout;
mod password;
mod upsert;
mod user;

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
