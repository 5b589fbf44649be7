//! The GraphQL shapes of domain values. The password hash has no field here, so it cannot be queried.

use async_graphql::{
    ID, InputObject, InputValueError, InputValueResult, Object, Scalar, ScalarType, Value,
};
use chrono::{DateTime as ChronoDateTime, SecondsFormat, Utc};

/// A user of the job engine. The password and its hash are never exposed.
pub struct User(pub domain::User);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn email(&self) -> &str {
        self.0.email.as_str()
    }

    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// Sign-up for a new email, or a password change for a known one.
// No `Debug` derive: it holds passwords.
#[derive(InputObject)]
pub struct UpsertUserInput {
    /// Compared without regard to case and surrounding whitespace.
    pub email: String,
    /// For a new email, the password to set; for a known one, its current password.
    pub password: String,
    /// The password to change to, for a known email.
    pub new_password: Option<String>,
}

/// Credentials for `login`.
// No `Debug` derive: it holds a password.
#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

/// An instant in UTC, ISO 8601 with milliseconds.
// Written as NestJS writes a JavaScript `Date`: ISO 8601 in UTC with milliseconds,
// `2025-02-15T10:40:24.123Z`, so clients of the seed parse it unchanged.
pub struct DateTime(pub ChronoDateTime<Utc>);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => ChronoDateTime::parse_from_rfc3339(s)
                .map(|t| Self(t.with_timezone(&Utc)))
                .map_err(|_| InputValueError::custom("DateTime must be an RFC 3339 string")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}
