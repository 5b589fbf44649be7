//! Who is calling: the session token a request carried, resolved to a user at most once per request, and
//! the `Authentication` cookie that login sets and logout clears.

use application::AuthError;
use async_graphql::{Context, Result};
use tokio::sync::OnceCell;

use super::SharedAuth;
use super::errors::{IntoGraphQlError, unauthenticated};

/// The cookie the course names; other job-engine services read the same one.
pub const SESSION_COOKIE: &str = "Authentication";

/// How the session cookie is written.
#[derive(Debug, Clone, Copy)]
pub struct CookieSettings {
    /// `Secure`: sent over HTTPS only. On by default; browsers treat http://localhost as secure.
    pub secure: bool,
}

/// The token a request carried (bearer header or cookie), with its user once looked up. The HTTP adapter
/// puts one in every request's data.
#[derive(Debug, Default)]
pub struct RequestCredentials {
    token: Option<String>,
    /// Failures are kept too: with the store down, a thousand aliased fields must not retry it a
    /// thousand times.
    user: OnceCell<Result<Option<domain::User>>>,
}

impl RequestCredentials {
    pub fn new(token: Option<String>) -> Self {
        Self {
            token,
            user: OnceCell::new(),
        }
    }
}

/// The caller, or `None` without a valid token. Resolved once per request, so a thousand aliased guarded
/// fields cost one token check.
pub(super) async fn current_user(ctx: &Context<'_>) -> Result<Option<domain::User>> {
    let Some(credentials) = ctx.data_opt::<RequestCredentials>() else {
        return Ok(None);
    };
    let Some(token) = credentials.token.as_deref() else {
        return Ok(None);
    };
    let auth = ctx.data::<SharedAuth>()?;
    credentials
        .user
        .get_or_init(|| async {
            match auth.authenticate(token).await {
                Ok(user) => Ok(Some(user)),
                Err(AuthError::Unauthenticated(reason)) => {
                    tracing::info!(%reason, "session token refused");
                    Ok(None)
                }
                Err(other) => Err(other.into_graphql_error()),
            }
        })
        .await
        .clone()
}

/// The caller, or an `UNAUTHENTICATED` error.
pub(super) async fn require_user(ctx: &Context<'_>) -> Result<domain::User> {
    current_user(ctx).await?.ok_or_else(unauthenticated)
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
