//! PostgreSQL, the production store: the pool, the migrations, and [`PgStore`], the handle every
//! repository runs its statements through, with a deadline on each call.

mod errors;
mod pool;
mod store;

#[cfg(feature = "test-support")]
pub mod testing;

pub use errors::{is_unique_violation, repository_error};
pub use pool::{PoolSettings, connect_lazy};
pub use sqlx::PgPool;
pub use store::PgStore;

/// The schema migrations in `migrations/postgres`, embedded at compile time so the binary can apply them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");
