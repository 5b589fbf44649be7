//! `UserRepository` on an embedded SQLite file: the zero-setup default for development and demos.
//!
//! PostgreSQL is the production store; this adapter passes the same contract suite
//! (`adapters/tests/user_repository_contract.rs`), so the application cannot tell the two apart.

mod errors;
mod login_attempts;
mod store;
mod user_repository;

#[cfg(feature = "test-support")]
pub mod testing;

pub use store::{SqliteSettings, SqliteStore, migrate, ping};
pub use user_repository::SqliteUserRepository;

/// The schema migrations in `migrations/sqlite`, embedded at compile time so the binary can apply them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
