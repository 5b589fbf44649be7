//! The only place sqlx's PostgreSQL errors are interpreted. Nothing sqlx says crosses a port as text a
//! client sees: it travels inside `anyhow` to the log.

use application::ports::RepositoryError;

/// PostgreSQL's unique-violation SQLSTATE.
const UNIQUE_VIOLATION: &str = "23505";

/// A failed statement as the ports report it: unavailable when the database is not there right now,
/// unexpected otherwise.
pub fn repository_error(error: sqlx::Error) -> RepositoryError {
    if matches!(error, sqlx::Error::PoolTimedOut) {
        // Every connection stayed busy for the whole acquire timeout: the pool is too small for the load.
        metrics::counter!("db_pool_acquire_timeouts_total").increment(1);
    }
    if is_unavailable(&error) {
        RepositoryError::Unavailable(error.into())
    } else {
        RepositoryError::Unexpected(error.into())
    }
}

/// Whether a statement broke a unique constraint, which a repository turns into its port's own
/// variant (a name taken, say) instead of a failure.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().as_deref() == Some(UNIQUE_VIOLATION))
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

/// Whether the connection a statement ran on died under it (the server restarted, or terminated the
/// backend), so that the same statement on another connection may well succeed.
pub(crate) fn is_connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) => true,
        // 57P01 admin shutdown, 57P02 crash shutdown: the backend is gone, the server may not be.
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("57P01" | "57P02")),
        _ => false,
    }
}
