//! The {{ plural.snake }} module's errors as GraphQL errors, through the shared helpers in
//! `graphql::errors`.

use application::{
    Create{{ entity.pascal }}Error, Delete{{ entity.pascal }}Error, {{ entity.pascal }}QueryError,
    Update{{ entity.pascal }}Error,
};
use async_graphql::Error;

use crate::graphql::IntoGraphQlError;
use crate::graphql::errors::{CONFLICT, NOT_FOUND, bad_user_input, coded, internal, unavailable};

fn not_found() -> Error {
    tracing::info!(code = NOT_FOUND, "no such {{ entity.prose }} for the caller");
    coded("No {{ entity.prose }} of yours has this id.", NOT_FOUND)
}

impl IntoGraphQlError for {{ entity.pascal }}QueryError {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

impl IntoGraphQlError for Create{{ entity.pascal }}Error {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

impl IntoGraphQlError for Update{{ entity.pascal }}Error {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::NotFound => not_found(),
            Self::Conflict => {
                tracing::warn!(code = CONFLICT, "update{{ entity.pascal }} gave up after repeated concurrent changes");
                coded(
                    "The {{ entity.prose }} was changed by another request at the same time; retry.",
                    CONFLICT,
                )
            }
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}

impl IntoGraphQlError for Delete{{ entity.pascal }}Error {
    fn into_graphql_error(self) -> Error {
        match self {
            Self::InvalidInput(errors) => bad_user_input(&errors),
            Self::NotFound => not_found(),
            Self::Unavailable(error) => unavailable(&error),
            Self::Unexpected(error) => internal(&error),
        }
    }
}
