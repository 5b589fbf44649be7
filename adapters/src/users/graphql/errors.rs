//! The users module's errors as GraphQL errors, through the shared helpers in `graphql::errors`.

use application::{AuthError, LoginError, QueryError, UpsertUserError};
use async_graphql::Error;

use crate::graphql::IntoGraphQlError;
use crate::graphql::errors::{
    CONFLICT, bad_user_input, coded, internal, unauthenticated, unavailable,
};

pub const INVALID_CURRENT_PASSWORD: &str = "INVALID_CURRENT_PASSWORD";
pub const INVALID_CREDENTIALS: &str = "INVALID_CREDENTIALS";
pub const RATE_LIMITED: &str = "RATE_LIMITED";

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
            Self::Busy => account_busy(),
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
            Self::Busy => account_busy(),
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

/// The client made more failed checks than its share; nothing was read or counted for this one.
pub(super) fn client_refused(retry_after_seconds: u64) -> Error {
    tracing::info!(
        code = RATE_LIMITED,
        "password check refused: the client is refused for its failed checks"
    );
    coded(
        &format!(
            "Too many failed password checks from this client; retry in {retry_after_seconds} s."
        ),
        RATE_LIMITED,
    )
}

/// The account's own checks in flight held every place for the whole wait; this one was not made.
fn account_busy() -> Error {
    tracing::info!(
        code = RATE_LIMITED,
        "password check refused: the account's checks in flight did not resolve in time"
    );
    coded(
        "Too many password checks of this account are in progress; retry shortly.",
        RATE_LIMITED,
    )
}
