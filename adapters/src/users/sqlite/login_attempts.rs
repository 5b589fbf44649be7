//! The `login_attempts` table on SQLite.

use application::ports::RepositoryError;
use application::users::ports::LoginAttempts;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FailedAttempts, LockedUntil, LockoutPolicy, UserId};
use sqlx::SqliteExecutor;

use super::{micros, timestamp};
use crate::sqlite::{SqliteStore, repository_error};
use crate::users::attempts::{failure_count, stored_count, to_micros};

#[derive(Debug, Clone)]
pub struct SqliteLoginAttempts {
    store: SqliteStore,
}

impl SqliteLoginAttempts {
    pub fn new(store: SqliteStore) -> Self {
        Self { store }
    }
}

async fn read<'c>(
    executor: impl SqliteExecutor<'c>,
    id: UserId,
) -> Result<FailedAttempts, RepositoryError> {
    let row: Option<AttemptsRow> =
        sqlx::query_as("SELECT failures, locked_until FROM login_attempts WHERE user_id = ?1")
            .bind(id.get())
            .fetch_optional(executor)
            .await
            .map_err(repository_error)?;
    row.map_or(Ok(FailedAttempts::default()), FailedAttempts::try_from)
}

#[async_trait]
impl LoginAttempts for SqliteLoginAttempts {
    async fn failed_attempts(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        self.store.read(|pool| read(pool, id)).await
    }

    /// One `BEGIN IMMEDIATE` transaction per admission: it takes the database's write lock before it
    /// reads, so admissions, from this process or another on the same file, run one after the other and
    /// each reads the record the one before it stored. (A deferred transaction that reads first could not
    /// upgrade to a write after another writer committed.)
    async fn admit_password_check(
        &self,
        id: UserId,
        now: DateTime<Utc>,
        policy: &LockoutPolicy,
    ) -> Result<Result<FailedAttempts, LockedUntil>, RepositoryError> {
        let now = to_micros(now);
        self.store
            .write(|pool| async move {
                let mut tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(repository_error)?;
                let admitted = match read(&mut *tx, id).await?.admit(now, policy) {
                    Ok(admitted) => admitted,
                    Err(locked) => {
                        tx.rollback().await.map_err(repository_error)?;
                        return Ok(Err(locked));
                    }
                };
                sqlx::query(
                    "INSERT INTO login_attempts (user_id, failures, locked_until) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (user_id) DO UPDATE \
                     SET failures = excluded.failures, locked_until = excluded.locked_until",
                )
                .bind(id.get())
                .bind(stored_count::<i64>(admitted.count)?)
                .bind(admitted.locked_until.map(micros))
                .execute(&mut *tx)
                .await
                .map_err(repository_error)?;
                tx.commit().await.map_err(repository_error)?;
                Ok(Ok(admitted))
            })
            .await
    }

    async fn clear_failed_attempts(&self, id: UserId) -> Result<(), RepositoryError> {
        self.store
            .write(|pool| async move {
                sqlx::query("DELETE FROM login_attempts WHERE user_id = ?1")
                    .bind(id.get())
                    .execute(pool)
                    .await
                    .map_err(repository_error)?;
                Ok(())
            })
            .await
    }
}

#[derive(sqlx::FromRow)]
struct AttemptsRow {
    failures: i64,
    locked_until: Option<i64>,
}

impl TryFrom<AttemptsRow> for FailedAttempts {
    type Error = RepositoryError;

    fn try_from(row: AttemptsRow) -> Result<Self, Self::Error> {
        Ok(Self {
            count: failure_count(row.failures)?,
            locked_until: row
                .locked_until
                .map(|micros| timestamp("locked_until", micros))
                .transpose()?,
        })
    }
}
