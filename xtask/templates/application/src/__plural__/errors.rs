//! One error enum per use case, in the caller's terms.

use domain::ValidationErrors;

use crate::ports::RepositoryError;

/// Everything reading {{ plural.prose }} can answer besides what it found.
#[derive(Debug, thiserror::Error)]
pub enum {{ entity.pascal }}QueryError {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Everything `create{{ entity.pascal }}` can answer besides the new {{ entity.prose }}.
#[derive(Debug, thiserror::Error)]
pub enum Create{{ entity.pascal }}Error {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Everything `update{{ entity.pascal }}` can answer besides the {{ entity.prose }} as it now is.
#[derive(Debug, thiserror::Error)]
pub enum Update{{ entity.pascal }}Error {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    /// No {{ entity.prose }} of the caller's has this id: none at all, or another caller's.
    #[error("no such {{ entity.prose }}")]
    NotFound,
    /// It kept changing under us; the caller may retry.
    #[error("the {{ entity.prose }} was changed concurrently; retry the request")]
    Conflict,
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}

/// Everything `delete{{ entity.pascal }}` can answer besides "deleted".
#[derive(Debug, thiserror::Error)]
pub enum Delete{{ entity.pascal }}Error {
    #[error("invalid input: {0}")]
    InvalidInput(ValidationErrors),
    /// No {{ entity.prose }} of the caller's has this id: none at all, or another caller's.
    #[error("no such {{ entity.prose }}")]
    NotFound,
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("unexpected failure")]
    Unexpected(#[source] anyhow::Error),
}
{% for error in ["Query", "Create", "Update", "Delete"] %}
{% set name %}{% if error == "Query" %}{{ entity.pascal }}QueryError{% else %}{{ error }}{{ entity.pascal }}Error{% endif %}{% endset %}

impl From<RepositoryError> for {{ name }} {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(e) => Self::Unavailable(e),
            RepositoryError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}
{% endfor %}
