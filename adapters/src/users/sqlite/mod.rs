//! The users module's repositories on the embedded SQLite store.

mod login_attempts;

use application::ports::RepositoryError;
use application::users::ports::{CreateUserError, NewUser, PasswordVersions, UserRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, PageSize, PasswordHash, User, UserId};

use crate::sqlite::{SqliteStore, is_unique_violation, repository_error};

pub use login_attempts::SqliteLoginAttempts;

/// The columns every query returns. A macro, not a constant, so that the queries built from it with
/// `concat!` stay `&'static str`: sqlx takes no other SQL, which keeps input out of it.
macro_rules! columns {
    () => {
        "id, email, password_hash, password_version, created_at, updated_at"
    };
}

#[derive(Debug, Clone)]
pub struct SqliteUserRepository {
    store: SqliteStore,
}

impl SqliteUserRepository {
    pub fn new(store: SqliteStore) -> Self {
        Self { store }
    }
}

/// Timestamps are stored as microseconds since the epoch (see the migration).
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    password_hash: String,
    password_version: i64,
    created_at: i64,
    updated_at: i64,
}

fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

fn timestamp(column: &str, micros: i64) -> Result<DateTime<Utc>, RepositoryError> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| {
        RepositoryError::Unexpected(anyhow::anyhow!("stored {column} {micros} is out of range"))
    })
}

impl TryFrom<UserRow> for User {
    type Error = RepositoryError;

    fn try_from(row: UserRow) -> Result<Self, Self::Error> {
        let id = UserId::try_new(row.id).map_err(|_| {
            RepositoryError::Unexpected(anyhow::anyhow!(
                "stored user id {} is not positive",
                row.id
            ))
        })?;
        Ok(User {
            id,
            email: Email::from_trusted_storage(row.email),
            password_hash: PasswordHash::new(row.password_hash),
            password_version: row.password_version,
            created_at: timestamp("created_at", row.created_at)?,
            updated_at: timestamp("updated_at", row.updated_at)?,
        })
    }
}

fn to_user(row: Option<UserRow>) -> Result<Option<User>, RepositoryError> {
    row.map(User::try_from).transpose()
}

#[async_trait]
impl UserRepository for SqliteUserRepository {
    async fn create(&self, user: NewUser) -> Result<User, CreateUserError> {
        let sql = concat!(
            "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) \
             ON CONFLICT (email) DO NOTHING RETURNING ",
            columns!(),
            ""
        );
        let row: Option<UserRow> = self
            .store
            .write(|pool| async move {
                sqlx::query_as(sql)
                    .bind(user.email.as_str())
                    .bind(user.password_hash.expose())
                    .bind(micros(user.created_at))
                    .fetch_optional(pool)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            CreateUserError::EmailTaken
                        } else {
                            CreateUserError::Repository(repository_error(e))
                        }
                    })
            })
            .await?;
        to_user(row)?.ok_or(CreateUserError::EmailTaken)
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepositoryError> {
        let sql = concat!("SELECT ", columns!(), " FROM users WHERE id = ?1");
        let row = self
            .store
            .read(|pool| async move {
                sqlx::query_as(sql)
                    .bind(id.get())
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        to_user(row)
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, RepositoryError> {
        let sql = concat!("SELECT ", columns!(), " FROM users WHERE email = ?1");
        let row = self
            .store
            .read(|pool| async move {
                sqlx::query_as(sql)
                    .bind(email.as_str())
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        to_user(row)
    }

    async fn list(
        &self,
        after: Option<UserId>,
        first: PageSize,
    ) -> Result<Vec<User>, RepositoryError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2"
        );
        let rows: Vec<UserRow> = self
            .store
            .read(|pool| async move {
                sqlx::query_as(sql)
                    .bind(after.map_or(0, UserId::get))
                    .bind(i64::from(first.get()))
                    .fetch_all(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        rows.into_iter().map(User::try_from).collect()
    }

    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
        at: DateTime<Utc>,
    ) -> Result<Option<User>, RepositoryError> {
        // The WHERE on the old hash is the compare-and-set; max() keeps updated_at moving even if this
        // clock is behind the one that wrote last, exactly as the PostgreSQL adapter does.
        let sql = concat!(
            "UPDATE users SET password_hash = ?3, password_version = password_version + 1, updated_at = max(?4, updated_at + 1) \
             WHERE id = ?1 AND password_hash = ?2 RETURNING ",
            columns!(),
            ""
        );
        let row = self
            .store
            .write(|pool| async move {
                sqlx::query_as(sql)
                    .bind(id.get())
                    .bind(expected.expose())
                    .bind(new.expose())
                    .bind(micros(at))
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        to_user(row)
    }

    async fn rehash_password(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepositoryError> {
        // Not a password change: updated_at and password_version stay, so no session is revoked.
        self.store
            .write(|pool| async move {
                sqlx::query(
                    "UPDATE users SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2",
                )
                .bind(id.get())
                .bind(expected.expose())
                .bind(new.expose())
                .execute(pool)
                .await
                .map(|done| done.rows_affected() == 1)
                .map_err(repository_error)
            })
            .await
    }
}

#[async_trait]
impl PasswordVersions for SqliteUserRepository {
    async fn current(&self, id: UserId) -> Result<Option<i64>, RepositoryError> {
        self.store
            .read(|pool| async move {
                sqlx::query_scalar("SELECT password_version FROM users WHERE id = ?1")
                    .bind(id.get())
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await
    }
}
