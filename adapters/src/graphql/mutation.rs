use async_graphql::{Context, Object, Result};

use super::SharedAuth;
use super::errors::IntoGraphQlError;
use super::query::use_cases;
use super::session::set_session_cookie;
use super::types::{LoginInput, UpsertUserInput, User};

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

    /// Checks the credentials and starts a session: sets the `Authentication` cookie and returns the
    /// user. Clients that are not browsers take the token from that Set-Cookie header and send it as
    /// `Authorization: Bearer <token>` (see README).
    async fn login(&self, ctx: &Context<'_>, login_input: LoginInput) -> Result<User> {
        let session = auth(ctx)?
            .login(&login_input.email, &login_input.password)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        set_session_cookie(
            ctx,
            session.token.token.expose(),
            session.token.lifetime.num_seconds(),
        )?;
        Ok(User(session.user))
    }

    /// Ends the browser session by clearing the `Authentication` cookie. A bearer token stays valid
    /// until it expires or the password changes.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        set_session_cookie(ctx, "", 0)?;
        Ok(true)
    }
}

fn auth<'a>(ctx: &Context<'a>) -> Result<&'a SharedAuth> {
    ctx.data::<SharedAuth>()
}
