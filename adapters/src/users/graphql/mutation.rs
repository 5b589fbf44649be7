use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Object, Result};
use axum::http::header;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use super::errors::rate_limited;
use super::session::set_session_cookie;
use super::types::{LoginInput, UpsertUserInput, User};
use super::{SharedAuth, SharedUpserts};
use crate::graphql::IntoGraphQlError;
use crate::graphql::errors::internal;

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
        let user = to_completion(ctx, async move { users.upsert_user(input).await })
            .await?
            .map_err(|e| {
                if matches!(e, application::UpsertUserError::Busy) {
                    retry_after(ctx);
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
        let session = to_completion(ctx, async move { auth.login(&email, &password).await })
            .await?
            .map_err(|e| {
                if matches!(e, application::LoginError::Busy) {
                    retry_after(ctx);
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

/// The password-checking operations allowed in flight at once, and how long and how many more may
/// wait for one of their places (see [`super::UsersModule`]).
pub(super) struct PasswordCheckLimit {
    in_flight: Arc<Semaphore>,
    /// Places in the queue: a burst waits, but never without bound.
    waiting: Arc<Semaphore>,
    wait: Duration,
}

impl PasswordCheckLimit {
    pub(super) fn new(in_flight: usize, wait: Duration) -> Self {
        Self {
            in_flight: Arc::new(Semaphore::new(in_flight)),
            waiting: Arc::new(Semaphore::new(in_flight.saturating_mul(WAITING_PER_SLOT))),
            wait,
        }
    }

    /// A place in flight, at once or within the wait; `None` when none came in time or the queue is full.
    async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(permit) = Arc::clone(&self.in_flight).try_acquire_owned() {
            return Some(permit);
        }
        let _queued = self.waiting.try_acquire().ok()?;
        tokio::time::timeout(self.wait, Arc::clone(&self.in_flight).acquire_owned())
            .await
            .ok()?
            .ok()
    }
}

/// How many operations may wait per place in flight. With 64 places that is 256 waiting: a burst of
/// a few hundred sign-ups is served, and what waits is a few hundred small futures, not a backlog.
const WAITING_PER_SLOT: usize = 4;

/// Runs a password-checking use case on a task of its own, so that a client that disconnects while
/// bcrypt runs cannot cancel it between counting the check and clearing the count: a right password
/// must never be left counted as a failure. When every place is taken it waits, bounded in time and in
/// number, and is refused with `RATE_LIMITED` and a `Retry-After` hint only if none comes, before
/// anything is read or counted; callers check their input first, so that only well-formed work waits.
async fn to_completion<T: Send + 'static>(
    ctx: &Context<'_>,
    work: impl Future<Output = T> + Send + 'static,
) -> Result<T> {
    let Some(permit) = ctx.data::<PasswordCheckLimit>()?.acquire().await else {
        retry_after(ctx);
        return Err(rate_limited());
    };
    // The span keeps the task's log lines under the request's id.
    let task = tokio::spawn(
        async move {
            let outcome = work.await;
            drop(permit);
            outcome
        }
        .in_current_span(),
    );
    task.await.map_err(|e| internal(&anyhow::Error::new(e)))
}

fn retry_after(ctx: &Context<'_>) {
    ctx.insert_http_header(header::RETRY_AFTER, RETRY_AFTER_SECONDS);
}

/// Refusals come only after a full wait, so the queue was busy for that long: a second is the least
/// that helps, and clients back off further themselves.
const RETRY_AFTER_SECONDS: &str = "1";

fn auth<'a>(ctx: &Context<'a>) -> Result<&'a SharedAuth> {
    ctx.data::<SharedAuth>()
}
