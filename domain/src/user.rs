//! The user entity and its identifier.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::{Email, PasswordHash};

/// A database-generated user id. Always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a positive integer id")]
pub struct UserIdError;

impl UserId {
    pub fn try_new(value: i64) -> Result<Self, UserIdError> {
        if value > 0 {
            Ok(Self(value))
        } else {
            Err(UserIdError)
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl FromStr for UserId {
    type Err = UserIdError;

    /// GraphQL `ID`s arrive as strings; only plain decimal digits are accepted, so `"+1"`, `" 1"` and
    /// `"1e3"` are refused rather than silently reinterpreted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UserIdError);
        }
        s.parse::<i64>()
            .map_err(|_| UserIdError)
            .and_then(Self::try_new)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A stored user. The hash is private to the crates that need it and is never printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub password_hash: PasswordHash,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_only_from_positive_decimal_digits() {
        assert_eq!("42".parse::<UserId>().map(UserId::get), Ok(42));
        for bad in [
            "",
            "0",
            "-1",
            "+1",
            " 1",
            "1e3",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(bad.parse::<UserId>(), Err(UserIdError), "{bad:?}");
        }
    }
}
