//! An embedded SQLite file: the zero-setup default store for development and demos.
//!
//! PostgreSQL is the production store; each repository passes one contract suite on both, so the
//! application cannot tell the two apart.

mod errors;
mod store;

#[cfg(feature = "test-support")]
pub mod testing;

pub use errors::{is_unique_violation, repository_error};
pub use store::{SqliteSettings, SqliteStore};

/// The schema migrations in `migrations/sqlite`, embedded at compile time so the binary can apply them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
