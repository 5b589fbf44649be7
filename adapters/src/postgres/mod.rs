//! `UserRepository` on PostgreSQL, plus the pool and migrations it needs.

mod errors;
mod login_attempts;
mod pool;
mod user_repository;

#[cfg(feature = "test-support")]
pub mod testing;

pub use pool::{PoolSettings, connect_lazy, migrate, ping};
pub use sqlx::PgPool;
pub use user_repository::PgUserRepository;

/// The schema migrations in `migrations/postgres`, embedded at compile time so the binary can apply them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");
