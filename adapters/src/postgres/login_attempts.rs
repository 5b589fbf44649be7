//! The `login_attempts` table on PostgreSQL, for the admission loop in `crate::attempts`.

use application::ports::RepositoryError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FailedAttempts, UserId};

use super::PgUserRepository;
use super::errors::repository_error;
use crate::attempts::{AttemptsTable, failure_count, stored_count};

#[async_trait]
impl AttemptsTable for PgUserRepository {
    async fn read(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        let row: Option<AttemptsRow> =
            sqlx::query_as("SELECT failures, locked_until FROM login_attempts WHERE user_id = $1")
                .bind(id.get())
                .fetch_optional(self.pool())
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
            "INSERT INTO login_attempts (user_id, failures, locked_until) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(id.get())
        .bind(stored_count::<i32>(record.count)?)
        .bind(record.locked_until)
        .execute(self.pool())
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
        let done = sqlx::query(
            "UPDATE login_attempts SET failures = $4, locked_until = $5 \
             WHERE user_id = $1 AND failures = $2 AND locked_until IS NOT DISTINCT FROM $3",
        )
        .bind(id.get())
        .bind(stored_count::<i32>(expected.count)?)
        .bind(expected.locked_until)
        .bind(stored_count::<i32>(new.count)?)
        .bind(new.locked_until)
        .execute(self.pool())
        .await
        .map_err(repository_error)?;
        Ok(done.rows_affected() == 1)
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
