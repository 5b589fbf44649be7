//! `GET /api/authenticate`: how another job-engine service checks a caller without sharing our secret.
//! It forwards the caller's cookie or bearer token and gets the user back, or a 401.

use application::AuthError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::SecondsFormat;
use serde_json::json;

use super::graphql::SharedAuth;
use crate::http::{problem, session_token};

/// The users module's HTTP routes, beside `/graphql`.
pub fn routes(auth: SharedAuth) -> Router {
    Router::new()
        .route("/api/authenticate", get(authenticate))
        .with_state(auth)
}

async fn authenticate(State(auth): State<SharedAuth>, headers: HeaderMap) -> Response {
    let Some(token) = session_token(&headers) else {
        return unauthenticated();
    };
    match auth.authenticate(&token).await {
        Ok(user) => Json(json!({
            "id": user.id.to_string(),
            "email": user.email.as_str(),
            "createdAt": user.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "updatedAt": user.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        }))
        .into_response(),
        Err(AuthError::Unauthenticated(reason)) => {
            tracing::info!(%reason, "session token refused");
            unauthenticated()
        }
        Err(AuthError::Unavailable(error)) => {
            tracing::error!(error = format!("{error:#}"), "a dependency is unavailable");
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
                "The service is temporarily unavailable; retry shortly.",
            )
        }
        Err(AuthError::Unexpected(error)) => {
            tracing::error!(error = format!("{error:#}"), "unexpected failure");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "Internal server error.",
            )
        }
    }
}

fn unauthenticated() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
        "Send the Authentication cookie or an Authorization: Bearer token.",
    )
}
