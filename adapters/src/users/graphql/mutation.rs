use application::{LoginError, UpsertUserError};
use async_graphql::{Context, Object, Result};

use super::password_checks::{retry_shortly, run};
use super::session::set_session_cookie;
use super::types::{LoginInput, UpsertUserInput, User};
use super::{SharedAuth, SharedUpserts};
use crate::graphql::IntoGraphQlError;

/// The users module's root mutations, merged into the service's `Mutation`.
#[derive(Debug, Default)]
pub struct UsersMutation;

#[Object]
impl UsersMutation {
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
        // Bad input is answered as such even under overload: checked before a slot is taken.
        input
            .parse()
            .map_err(IntoGraphQlError::into_graphql_error)?;
        let users = ctx.data::<SharedUpserts>()?.clone();
        // A sign-up checks no password, and a right one is no failure: only a wrong current one counts.
        let wrong = |outcome: &Result<_, UpsertUserError>| {
            matches!(outcome, Err(UpsertUserError::InvalidCurrentPassword))
        };
        let user = run(ctx, async move { users.upsert_user(input).await }, wrong)
            .await?
            .map_err(|e| {
                if matches!(e, UpsertUserError::Busy) {
                    retry_shortly(ctx);
                }
                e.into_graphql_error()
            })?;
        Ok(User(user))
    }

    /// Checks the credentials and starts a session: sets the `Authentication` cookie and returns the
    /// user. Clients that are not browsers take the token from that Set-Cookie header and send it as
    /// `Authorization: Bearer <token>` (see README).
    async fn login(&self, ctx: &Context<'_>, login_input: LoginInput) -> Result<User> {
        let auth = auth(ctx)?.clone();
        let LoginInput { email, password } = login_input;
        application::Credentials::parse(&email, &password)
            .map_err(IntoGraphQlError::into_graphql_error)?;
        // Unknown emails, wrong passwords and locked accounts alike: what a sprayer gets back.
        let wrong = |outcome: &Result<_, LoginError>| {
            matches!(outcome, Err(LoginError::InvalidCredentials))
        };
        let session = run(
            ctx,
            async move { auth.login(&email, &password).await },
            wrong,
        )
        .await?
        .map_err(|e| {
            if matches!(e, LoginError::Busy) {
                retry_shortly(ctx);
            }
            e.into_graphql_error()
        })?;
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
