//! The one place where application errors become GraphQL errors with `extensions.code`.
//!
//! Client-facing text is written here, never taken from an underlying error: dependency failures reach the
//! log with their full chain and the client gets an opaque sentence. Broken business rules log at WARN,
//! broken dependencies at ERROR.

use application::{AuthError, LoginError, QueryError, UpsertUserError};
use async_graphql::{Error, ErrorExtensions, Value};
use domain::ValidationErrors;

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const INVALID_CURRENT_PASSWORD: &str = "INVALID_CURRENT_PASSWORD";
pub const INVALID_CREDENTIALS: &str = "INVALID_CREDENTIALS";
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const CONFLICT: &str = "CONFLICT";
pub const UNAVAILABLE: &str = "UNAVAILABLE";
pub const RATE_LIMITED: &str = "RATE_LIMITED";
pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";

pub(super) trait IntoGraphQlError {
    fn into_graphql_error(self) -> Error;
}

impl IntoGraphQlError for UpsertUserError {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::InvalidCurrentPassword => {
                tracing::warn!(
                    code = INVALID_CURRENT_PASSWORD,
                    "upsertUser refused: wrong current password"
                );
                coded(
                    "The current password is not correct.",
                    INVALID_CURRENT_PASSWORD,
                )
            }
            Self::Conflict => {
                tracing::warn!(
                    code = CONFLICT,
                    "upsertUser gave up after repeated concurrent changes"
                );
                coded(
                    "The user was changed by another request at the same time; retry.",
                    CONFLICT,
                )
            }
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

impl IntoGraphQlError for QueryError {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

impl IntoGraphQlError for LoginError {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::InvalidCredentials => {
                tracing::warn!(code = INVALID_CREDENTIALS, "login refused");
                coded("Invalid email or password.", INVALID_CREDENTIALS)
            }
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

impl IntoGraphQlError for AuthError {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::Unauthenticated(reason) => {
                tracing::info!(%reason, "session token refused");
                unauthenticated()
            }
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

/// The answer to a guarded field without a valid session, whatever the reason.
pub(super) fn unauthenticated() -> Error {
    coded(
        "Log in first: send the Authentication cookie or an Authorization: Bearer token.",
        UNAUTHENTICATED,
    )
}

fn coded(message: &str, code: &'static str) -> Error {
    Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}

/// Names every field and every rule it broke, both in the message and as structured data:
/// `extensions.fields = [{ field, violations: [{ rule, message }] }]`.
fn bad_user_input(errors: &ValidationErrors) -> Error {
    let fields: Vec<Value> = errors
        .fields()
        .iter()
        .map(|field| {
            let violations = field
                .violations
                .iter()
                .map(|v| {
                    Value::from_json(serde_json::json!({ "rule": v.rule, "message": v.message }))
                        .unwrap_or(Value::Null)
                })
                .collect();
            let mut object = async_graphql::indexmap::IndexMap::new();
            object.insert(async_graphql::Name::new("field"), Value::from(field.field));
            object.insert(
                async_graphql::Name::new("violations"),
                Value::List(violations),
            );
            Value::Object(object)
        })
        .collect();
    Error::new(format!("Invalid input: {errors}.")).extend_with(|_, extensions| {
        extensions.set("code", BAD_USER_INPUT);
        extensions.set("fields", Value::List(fields.clone()));
    })
}

fn unavailable(error: &anyhow::Error) -> Error {
    tracing::error!(
        code = UNAVAILABLE,
        error = format!("{error:#}"),
        "a dependency is unavailable"
    );
    coded(
        "The service is temporarily unavailable; retry shortly.",
        UNAVAILABLE,
    )
}

/// Too many password checks in flight; nothing was read or counted, so a retry costs nothing.
pub(super) fn rate_limited() -> Error {
    tracing::info!(
        code = RATE_LIMITED,
        "password check refused: too many in flight"
    );
    coded(
        "Too many password checks are in progress; retry shortly.",
        RATE_LIMITED,
    )
}

pub(super) fn internal(error: &anyhow::Error) -> Error {
    tracing::error!(
        code = INTERNAL_SERVER_ERROR,
        error = format!("{error:#}"),
        "unexpected failure"
    );
    coded("Internal server error.", INTERNAL_SERVER_ERROR)
}
