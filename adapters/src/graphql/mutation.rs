use async_graphql::{Context, Object, Result};

use super::errors::IntoGraphQlError;
use super::query::use_cases;
use super::types::{UpsertUserInput, User};

pub struct MutationRoot;

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Signs a user up, or, for a known email, verifies `password` and sets `newPassword` if given.
    /// Returns the stored user; when nothing changes, `updatedAt` does not move.
    async fn upsert_user(
        &self,
        ctx: &Context<'_>,
        upsert_user_input: UpsertUserInput,
    ) -> Result<User> {
        let input = application::UpsertUserInput {
            email: upsert_user_input.email,
            password: upsert_user_input.password,
            new_password: upsert_user_input.new_password,
        };
        let user = use_cases(ctx)?
            .upsert_user(input)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(User(user))
    }
}
