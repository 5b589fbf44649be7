//! The `login_attempts` table on SQLite.
//!
//! The database is a file on this machine, so this machine's clock is the database's clock.

use std::time::Duration;

use application::ports::RepositoryError;
use application::users::ports::LoginAttempts;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FailedAttempts, LockoutPolicy, Refusal, UserId};
use sqlx::{Sqlite, SqliteExecutor, SqlitePool, Transaction};

use super::{micros, timestamp};
use crate::sqlite::{SqliteStore, repository_error};
use crate::users::attempts::{self, BusyAccounts, failure_count, stored_count, to_micros};

#[derive(Debug, Clone)]
pub struct SqliteLoginAttempts {
    store: SqliteStore,
    busy: BusyAccounts,
}

impl SqliteLoginAttempts {
    pub fn new(store: SqliteStore) -> Self {
        Self {
            store,
            busy: BusyAccounts::default(),
        }
    }
}

fn now() -> DateTime<Utc> {
    to_micros(Utc::now())
}

async fn read<'c>(
    executor: impl SqliteExecutor<'c>,
    id: UserId,
) -> Result<FailedAttempts, RepositoryError> {
    let row: Option<AttemptsRow> = sqlx::query_as(
        "SELECT failures, locked_until, in_flight, in_flight_until \
         FROM login_attempts WHERE user_id = ?1",
    )
    .bind(id.get())
    .fetch_optional(executor)
    .await
    .map_err(repository_error)?;
    row.map_or(Ok(FailedAttempts::default()), FailedAttempts::try_from)
}

/// `BEGIN IMMEDIATE` takes the database's write lock before the read, so admissions and resolutions,
/// from this process or another on the same file, run one after the other and each reads the record
/// the one before it stored. (A deferred transaction that reads first could not upgrade to a write
/// after another writer committed.)
async fn begin(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, RepositoryError> {
    pool.begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(repository_error)
}

/// A record with nothing in it is no row at all.
async fn store(
    tx: &mut Transaction<'_, Sqlite>,
    id: UserId,
    record: &FailedAttempts,
) -> Result<(), RepositoryError> {
    let query = if *record == FailedAttempts::default() {
        sqlx::query("DELETE FROM login_attempts WHERE user_id = ?1").bind(id.get())
    } else {
        sqlx::query(
            "INSERT INTO login_attempts (user_id, failures, locked_until, in_flight, in_flight_until) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE \
             SET failures = excluded.failures, locked_until = excluded.locked_until, \
                 in_flight = excluded.in_flight, in_flight_until = excluded.in_flight_until",
        )
        .bind(id.get())
        .bind(stored_count::<i64>(record.count)?)
        .bind(record.locked_until.map(micros))
        .bind(stored_count::<i64>(record.in_flight)?)
        .bind(record.in_flight_until.map(micros))
    };
    query.execute(&mut **tx).await.map_err(repository_error)?;
    Ok(())
}

async fn admit_once(
    pool: &SqlitePool,
    id: UserId,
    policy: &LockoutPolicy,
) -> Result<Result<FailedAttempts, Refusal>, RepositoryError> {
    // A look without the write lock first: a waiter asks often, and mostly the answer is still busy.
    if read(pool, id).await?.admit(now(), policy) == Err(Refusal::Busy) {
        return Ok(Err(Refusal::Busy));
    }
    let mut tx = begin(pool).await?;
    let admitted = match read(&mut *tx, id).await?.admit(now(), policy) {
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
impl LoginAttempts for SqliteLoginAttempts {
    async fn failed_attempts(&self, id: UserId) -> Result<FailedAttempts, RepositoryError> {
        self.store.read(|pool| read(pool, id)).await
    }

    async fn admit_password_check(
        &self,
        id: UserId,
        policy: &LockoutPolicy,
        wait: Duration,
    ) -> Result<Result<FailedAttempts, Refusal>, RepositoryError> {
        self.busy
            .admit(id, wait, || {
                self.store.write(move |pool| admit_once(pool, id, policy))
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
            .write(|pool| async move {
                let mut tx = begin(pool).await?;
                let record = read(&mut *tx, id).await?;
                let (resolved, began_lock) = attempts::resolve(record, verified, now(), policy);
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
    failures: i64,
    locked_until: Option<i64>,
    in_flight: i64,
    in_flight_until: Option<i64>,
}

impl TryFrom<AttemptsRow> for FailedAttempts {
    type Error = RepositoryError;

    fn try_from(row: AttemptsRow) -> Result<Self, Self::Error> {
        let at = |column, micros: Option<i64>| micros.map(|m| timestamp(column, m)).transpose();
        Ok(Self {
            count: failure_count(row.failures)?,
            locked_until: at("locked_until", row.locked_until)?,
            in_flight: failure_count(row.in_flight)?,
            in_flight_until: at("in_flight_until", row.in_flight_until)?,
        })
    }
}
