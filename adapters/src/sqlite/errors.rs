//! The only place SQLite errors are interpreted; their text travels inside `anyhow` to the log only.

use application::ports::RepositoryError;

/// A failed statement as the ports report it: unavailable when the file cannot serve right now,
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

/// Whether a statement broke a unique constraint.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Errors that mean "the store cannot serve right now", as opposed to "we asked it something wrong".
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            // Primary result codes (the low byte of an extended code): SQLITE_BUSY, SQLITE_LOCKED,
            // SQLITE_IOERR, SQLITE_FULL and SQLITE_CANTOPEN.
            .is_some_and(|code| matches!(code & 0xff, 5 | 6 | 10 | 13 | 14)),
        _ => false,
    }
}
