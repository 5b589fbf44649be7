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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
