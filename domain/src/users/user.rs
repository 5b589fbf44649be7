//! The user entity and its identifier.

use chrono::{DateTime, Utc};

use crate::{Email, Id, PasswordHash};

/// A database-generated user id.
pub type UserId = Id<User>;

/// A stored user. The hash is private to the crates that need it and is never printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub password_hash: PasswordHash,
    /// Starts at 1 and goes up by one with every password change, and with nothing else (a rehash of
    /// the same password leaves it). Sessions are bound to it, so a change revokes every older one
    /// exactly, whatever the clocks say.
    pub password_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
