//! The `login_attempts` table on PostgreSQL.
//!
//! Every time here is the database's `clock_timestamp()`, read in the statement that reads the
//! record: replicas whose clocks disagree still agree on when a lock ends.

use std::time::Duration;

use application::ports::RepositoryError;
use application::users::ports::LoginAttempts;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FailedAttempts, LockoutPolicy, Refusal, UserId};
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};

use crate::postgres::{PgStore, repository_error};
use crate::users::attempts::{self, BusyAccounts, failure_count, stored_count};

#[derive(Debug, Clone)]
pub struct PgLoginAttempts {
    store: PgStore,
    busy: BusyAccounts,
}

impl PgLoginAttempts {
    pub fn new(store: PgStore) -> Self {
        Self {
            store,
            busy: BusyAccounts::default(),
        }
    }
}

/// The record and the database's time, in one statement.
async fn read<'c>(
    executor: impl PgExecutor<'c>,
    id: UserId,
) -> Result<(DateTime<Utc>, FailedAttempts), RepositoryError> {
    let row: AttemptsRow = sqlx::query_as(
        "SELECT clock_timestamp() AS now, a.failures, a.locked_until, a.in_flight, a.in_flight_until \
         FROM (SELECT 1) AS one LEFT JOIN login_attempts AS a ON a.user_id = $1",
    )
    .bind(id.get())
    .fetch_one(executor)
    .await
    .map_err(repository_error)?;
    Ok((row.now, FailedAttempts::try_from(row)?))
}

/// The account's row lock queues every admission and resolution, from every replica, one behind the
/// other, so each reads the record the one before it stored. `NO KEY UPDATE` leaves the foreign-key
/// checks of other writers unblocked.
async fn lock_account(
    tx: &mut Transaction<'_, Postgres>,
    id: UserId,
) -> Result<(), RepositoryError> {
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(id.get())
        .execute(&mut **tx)
        .await
        .map_err(repository_error)?;
    Ok(())
}

/// A record with nothing in it is no row at all.
async fn store(
    tx: &mut Transaction<'_, Postgres>,
    id: UserId,
    record: &FailedAttempts,
) -> Result<(), RepositoryError> {
    let query = if *record == FailedAttempts::default() {
        sqlx::query("DELETE FROM login_attempts WHERE user_id = $1").bind(id.get())
    } else {
        sqlx::query(
            "INSERT INTO login_attempts (user_id, failures, locked_until, in_flight, in_flight_until) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE \
             SET failures = EXCLUDED.failures, locked_until = EXCLUDED.locked_until, \
                 in_flight = EXCLUDED.in_flight, in_flight_until = EXCLUDED.in_flight_until",
        )
        .bind(id.get())
        .bind(stored_count::<i32>(record.count)?)
        .bind(record.locked_until)
        .bind(stored_count::<i32>(record.in_flight)?)
        .bind(record.in_flight_until)
    };
    query.execute(&mut **tx).await.map_err(repository_error)?;
    Ok(())
}

async fn admit_once(
    pool: &PgPool,
    id: UserId,
    policy: &LockoutPolicy,
) -> Result<Result<FailedAttempts, Refusal>, RepositoryError> {
    // A look without the lock first: a waiter asks often, and most of the time the answer is still busy.
    let (now, record) = read(pool, id).await?;
    if record.admit(now, policy) == Err(Refusal::Busy) {
        return Ok(Err(Refusal::Busy));
    }
    let mut tx = pool.begin().await.map_err(repository_error)?;
    lock_account(&mut tx, id).await?;
    let (now, record) = read(&mut *tx, id).await?;
    let admitted = match record.admit(now, policy) {
        Ok(admitted) => admitted,
        Err(refusal) => {
            tx.rollback().await.map_err(repository_error)?;
            return Ok(Err(refusal));
        }
    };
    store(&mut tx, id, &admitted).await?;
    tx.commit().await.map_err(repository_error)?;
    Ok(Ok(admitted))
}

#[async_trait]
impl LoginAttempts for PgLoginAttempts {
    async fn failed_attempts(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        let (_, record) = self.store.call(|pool| read(pool, id)).await?;
        Ok(record)
    }

    async fn admit_password_check(
        &self,
        id: UserId,
        policy: &LockoutPolicy,
        wait: Duration,
    ) -> Result<Result<FailedAttempts, Refusal>, RepositoryError> {
        self.busy
            .admit(id, wait, || {
                self.store.call(move |pool| admit_once(pool, id, policy))
            })
            .await
    }

    async fn resolve_password_check(
        &self,
        id: UserId,
        verified: bool,
        policy: &LockoutPolicy,
    ) -> Result<(), RepositoryError> {
        let began_lock = self
            .store
            .call(|pool| async move {
                let mut tx = pool.begin().await.map_err(repository_error)?;
                lock_account(&mut tx, id).await?;
                let (now, record) = read(&mut *tx, id).await?;
                let (resolved, began_lock) = attempts::resolve(record, verified, now, policy);
                store(&mut tx, id, &resolved).await?;
                tx.commit().await.map_err(repository_error)?;
                Ok(began_lock)
            })
            .await;
        attempts::count_lockout(began_lock)
    }
}

#[derive(sqlx::FromRow)]
struct AttemptsRow {
    now: DateTime<Utc>,
    failures: Option<i32>,
    locked_until: Option<DateTime<Utc>>,
    in_flight: Option<i32>,
    in_flight_until: Option<DateTime<Utc>>,
}

impl TryFrom<AttemptsRow> for FailedAttempts {
    type Error = RepositoryError;

    fn try_from(row: AttemptsRow) -> Result<Self, Self::Error> {
        Ok(Self {
            count: failure_count(row.failures.unwrap_or(0))?,
            locked_until: row.locked_until,
            in_flight: failure_count(row.in_flight.unwrap_or(0))?,
            in_flight_until: row.in_flight_until,
        })
    }
}
