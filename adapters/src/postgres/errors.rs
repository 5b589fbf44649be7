//! The only place sqlx errors are interpreted. Nothing sqlx says crosses the port as text a client sees:
//! it travels inside `anyhow` to the log.

use application::ports::RepositoryError;

/// PostgreSQL's unique-violation SQLSTATE.
pub(super) const UNIQUE_VIOLATION: &str = "23505";

pub(super) fn repository_error(error: sqlx::Error) -> RepositoryError {
    if is_unavailable(&error) {
        RepositoryError::Unavailable(error.into())
    } else {
        RepositoryError::Unexpected(error.into())
    }
}

/// Errors that mean "the database is not there right now", as opposed to "we asked it something wrong".
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08: connection exception; 53: insufficient resources; 57: operator intervention, which
            // includes 57014 (statement timeout) and 57P01 (admin shutdown).
            code.starts_with("08") || code.starts_with("53") || code.starts_with("57")
        }),
        _ => false,
    }
}
