//! The `login_attempts` table on SQLite, for the admission loop in `crate::attempts`.

use application::ports::RepositoryError;
use async_trait::async_trait;
use domain::{FailedAttempts, UserId};

use super::SqliteUserRepository;
use super::errors::repository_error;
use super::user_repository::{micros, timestamp};
use crate::attempts::{AttemptsTable, failure_count, stored_count};

#[async_trait]
impl AttemptsTable for SqliteUserRepository {
    async fn read(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        let row: Option<AttemptsRow> =
            sqlx::query_as("SELECT failures, locked_until FROM login_attempts WHERE user_id = ?1")
                .bind(id.get())
                .fetch_optional(&self.store().read)
                .await
                .map_err(repository_error)?;
        row.map_or(Ok(FailedAttempts::default()), FailedAttempts::try_from)
    }

    async fn insert_first(
        &self,
        id: UserId,
        record: &FailedAttempts,
    ) -> Result<bool, RepositoryError> {
        let done = sqlx::query(
            "INSERT INTO login_attempts (user_id, failures, locked_until) VALUES (?1, ?2, ?3) \
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(id.get())
        .bind(stored_count::<i64>(record.count)?)
        .bind(record.locked_until.map(micros))
        .execute(&self.store().write)
        .await
        .map_err(repository_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn replace(
        &self,
        id: UserId,
        expected: &FailedAttempts,
        new: &FailedAttempts,
    ) -> Result<bool, RepositoryError> {
        // `IS` is SQLite's null-safe equality.
        let done = sqlx::query(
            "UPDATE login_attempts SET failures = ?4, locked_until = ?5 \
             WHERE user_id = ?1 AND failures = ?2 AND locked_until IS ?3",
        )
        .bind(id.get())
        .bind(stored_count::<i64>(expected.count)?)
        .bind(expected.locked_until.map(micros))
        .bind(stored_count::<i64>(new.count)?)
        .bind(new.locked_until.map(micros))
        .execute(&self.store().write)
        .await
        .map_err(repository_error)?;
        Ok(done.rows_affected() == 1)
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
