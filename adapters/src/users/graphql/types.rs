//! The GraphQL shapes of domain values. The password hash has no field here, so it cannot be queried.

use async_graphql::{ID, InputObject, Object};

use crate::graphql::DateTime;

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
