//! The `login_attempts` table on PostgreSQL.

use application::ports::RepositoryError;
use application::users::ports::LoginAttempts;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FailedAttempts, LockedUntil, LockoutPolicy, UserId};
use sqlx::PgExecutor;

use crate::postgres::{PgStore, repository_error};
use crate::users::attempts::{failure_count, stored_count, to_micros};

#[derive(Debug, Clone)]
pub struct PgLoginAttempts {
    store: PgStore,
}

impl PgLoginAttempts {
    pub fn new(store: PgStore) -> Self {
        Self { store }
    }
}

async fn read<'c>(
    executor: impl PgExecutor<'c>,
    id: UserId,
) -> Result<FailedAttempts, RepositoryError> {
    let row: Option<AttemptsRow> =
        sqlx::query_as("SELECT failures, locked_until FROM login_attempts WHERE user_id = $1")
            .bind(id.get())
            .fetch_optional(executor)
            .await
            .map_err(repository_error)?;
    row.map_or(Ok(FailedAttempts::default()), FailedAttempts::try_from)
}

#[async_trait]
impl LoginAttempts for PgLoginAttempts {
    async fn failed_attempts(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        self.store.call(|pool| read(pool, id)).await
    }

    /// One transaction per admission. The account's row lock queues concurrent admissions, from every
    /// replica, one behind the other, so each reads the record the one before it stored and none is lost
    /// or slips past a lock. `NO KEY UPDATE` leaves the foreign-key checks of other writers unblocked.
    async fn admit_password_check(
        &self,
        id: UserId,
        now: DateTime<Utc>,
        policy: &LockoutPolicy,
    ) -> Result<Result<FailedAttempts, LockedUntil>, RepositoryError> {
        let now = to_micros(now);
        self.store
            .call(|pool| async move {
                let mut tx = pool.begin().await.map_err(repository_error)?;
                sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
                    .bind(id.get())
                    .execute(&mut *tx)
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
                    "INSERT INTO login_attempts (user_id, failures, locked_until) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id) DO UPDATE \
                     SET failures = EXCLUDED.failures, locked_until = EXCLUDED.locked_until",
                )
                .bind(id.get())
                .bind(stored_count::<i32>(admitted.count)?)
                .bind(admitted.locked_until)
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
            .call(|pool| async move {
                sqlx::query("DELETE FROM login_attempts WHERE user_id = $1")
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
    failures: i32,
    locked_until: Option<DateTime<Utc>>,
}

impl TryFrom<AttemptsRow> for FailedAttempts {
    type Error = RepositoryError;

    fn try_from(row: AttemptsRow) -> Result<Self, Self::Error> {
        Ok(Self {
            count: failure_count(row.failures)?,
            locked_until: row.locked_until,
        })
    }
}
