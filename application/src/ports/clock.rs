use chrono::{DateTime, Utc};

/// The source of "now", so that timestamps can be pinned in tests.
///
/// # Contract
/// Returns the current UTC time. Never fails. Successive calls should not go backwards, but callers must
/// not rely on that across processes: storage adapters keep `updated_at` moving on their own.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}
