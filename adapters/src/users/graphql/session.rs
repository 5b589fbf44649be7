//! The session as the users module sees it: the user behind the request's token, looked up at most
//! once per request, and the `Authentication` cookie that login sets and logout clears.

use std::sync::Arc;

use application::AuthError;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Context, Request, Result, ServerResult};
use tokio::sync::OnceCell;

use super::SharedAuth;
use crate::graphql::{IntoGraphQlError, request_token};
use crate::http::SESSION_COOKIE;

/// How the session cookie is written.
#[derive(Debug, Clone, Copy)]
pub struct CookieSettings {
    /// `Secure`: sent over HTTPS only. On by default; browsers treat http://localhost as secure.
    pub secure: bool,
}

/// The user behind the request's token, once looked up. Failures are kept too: with the store down, a
/// thousand aliased `me` fields must not retry it a thousand times.
#[derive(Default)]
struct SessionUser(OnceCell<Result<Option<domain::User>>>);

/// Gives every request an empty [`SessionUser`].
pub(super) struct SessionUserPerRequest;

impl ExtensionFactory for SessionUserPerRequest {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SessionUserPerRequest)
    }
}

#[async_trait::async_trait]
impl Extension for SessionUserPerRequest {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        next.run(ctx, request.data(SessionUser::default())).await
    }
}

/// The caller as a user, or `None` without a valid token.
pub(super) async fn current_user(ctx: &Context<'_>) -> Result<Option<domain::User>> {
    let Some(token) = request_token(ctx) else {
        return Ok(None);
    };
    let auth = ctx.data::<SharedAuth>()?;
    let lookup = || async {
        match auth.authenticate(token).await {
            Ok(user) => Ok(Some(user)),
            Err(AuthError::Unauthenticated(reason)) => {
                tracing::info!(%reason, "session token refused");
                Ok(None)
            }
            Err(other) => Err(other.into_graphql_error()),
        }
    };
    match ctx.data_opt::<SessionUser>() {
        Some(cache) => cache.0.get_or_init(lookup).await.clone(),
        None => lookup().await,
    }
}

/// Sets the session cookie on the response; an empty value with `Max-Age=0` clears it. Max-Age alone
/// sets the lifetime, equal to the token's: an `Expires` computed beside it is how the course's cookie
/// came to outlive its token by about as long again.
pub(super) fn set_session_cookie(
    ctx: &Context<'_>,
    value: &str,
    max_age_seconds: i64,
) -> Result<()> {
    let settings = ctx.data::<CookieSettings>()?;
    let secure = if settings.secure { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Max-Age={max_age_seconds}; Path=/; HttpOnly; SameSite=Lax{secure}"
    );
    // The last login or logout in a request wins.
    ctx.insert_http_header(axum::http::header::SET_COOKIE, cookie);
    Ok(())
}
