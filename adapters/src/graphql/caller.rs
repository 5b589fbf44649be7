//! Who is calling: the session token a request carried, resolved to a caller at most once per request
//! through the caller-identity port.

use std::sync::Arc;

use application::ports::CallerIdentity;
use async_graphql::{Context, Result};
use domain::Caller;
use tokio::sync::OnceCell;

use super::errors::IntoGraphQlError;

/// The caller-identity port, in the schema's data.
pub type SharedIdentity = Arc<dyn CallerIdentity>;

/// The token a request carried (bearer header or cookie), with its caller once identified. The HTTP
/// adapter puts one in every request's data.
#[derive(Debug, Default)]
pub struct RequestCredentials {
    token: Option<String>,
    /// Failures are kept too: with the identity authority down, a thousand aliased fields must not ask
    /// it a thousand times.
    caller: OnceCell<Result<Caller>>,
}

impl RequestCredentials {
    pub fn new(token: Option<String>) -> Self {
        Self {
            token,
            caller: OnceCell::new(),
        }
    }

    /// The session token as the request carried it, for a module that checks it itself.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

/// The token the current request carried, if any.
pub fn request_token<'a>(ctx: &Context<'a>) -> Option<&'a str> {
    ctx.data_opt::<RequestCredentials>()
        .and_then(RequestCredentials::token)
}

/// The caller, or `UNAUTHENTICATED` without a valid session (`UNAVAILABLE` when the identity authority
/// does not answer). Resolved once per request, so a thousand aliased fields cost one identification.
pub async fn require_caller(ctx: &Context<'_>) -> Result<Caller> {
    let identity = ctx.data::<SharedIdentity>()?;
    let Some(credentials) = ctx.data_opt::<RequestCredentials>() else {
        return application::require_caller(identity.as_ref(), None)
            .await
            .map_err(IntoGraphQlError::into_graphql_error);
    };
    credentials
        .caller
        .get_or_init(|| async {
            application::require_caller(identity.as_ref(), credentials.token())
                .await
                .map_err(IntoGraphQlError::into_graphql_error)
        })
        .await
        .clone()
}
