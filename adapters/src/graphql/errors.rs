//! The one place where application errors become GraphQL errors with `extensions.code`.
//!
//! Client-facing text is written here (and in each module's `errors.rs`, which maps its use cases'
//! errors with these helpers), never taken from an underlying error: dependency failures reach the log
//! with their full chain and the client gets an opaque sentence. Broken business rules log at WARN,
//! broken dependencies at ERROR.

use application::CallerError;
use async_graphql::{Error, ErrorExtensions, Value};
use domain::ValidationErrors;

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const NOT_FOUND: &str = "NOT_FOUND";
pub const CONFLICT: &str = "CONFLICT";
pub const UNAVAILABLE: &str = "UNAVAILABLE";
pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";

/// A use case's error as the client sees it. Each module implements it for its error enums.
pub trait IntoGraphQlError {
    fn into_graphql_error(self) -> Error;
}

impl IntoGraphQlError for CallerError {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::Unauthenticated(reason) => {
                tracing::info!(%reason, "no valid session");
                unauthenticated()
            }
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

/// The answer to a field that needs a session, without a valid one, whatever the reason.
pub fn unauthenticated() -> Error {
    coded(
        "Log in first: send the Authentication cookie or an Authorization: Bearer token.",
        UNAUTHENTICATED,
    )
}

/// An error with a message written for the client and its code.
pub fn coded(message: &str, code: &'static str) -> Error {
    Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}

/// Names every field and every rule it broke, both in the message and as structured data:
/// `extensions.fields = [{ field, violations: [{ rule, message }] }]`.
pub fn bad_user_input(errors: &ValidationErrors) -> Error {
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

/// A dependency (the store, the auth service) did not answer in time; the client may retry.
pub fn unavailable(error: &anyhow::Error) -> Error {
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

/// Anything else: an opaque message for the client, the whole chain for the log.
pub fn internal(error: &anyhow::Error) -> Error {
    tracing::error!(
        code = INTERNAL_SERVER_ERROR,
        error = format!("{error:#}"),
        "unexpected failure"
    );
    coded("Internal server error.", INTERNAL_SERVER_ERROR)
}
