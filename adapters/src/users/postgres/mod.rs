//! The users module's repositories on PostgreSQL.

mod login_attempts;
mod version_feed;

use application::ports::RepositoryError;
use application::users::ports::{CreateUserError, NewUser, PasswordVersions, UserRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, PageSize, PasswordHash, User, UserId};

use crate::postgres::{PgStore, is_unique_violation, repository_error};

pub use login_attempts::PgLoginAttempts;
pub use version_feed::{SILENCE, VERSION_CHANNEL, spawn_version_feed};

/// The columns every query returns. A macro, not a constant, so that the queries built from it with
/// `concat!` stay `&'static str`: sqlx takes no other SQL, which keeps input out of it.
macro_rules! columns {
    () => {
        "id, email, password_hash, password_version, created_at, updated_at"
    };
}

#[derive(Debug, Clone)]
pub struct PgUserRepository {
    store: PgStore,
}

impl PgUserRepository {
    pub fn new(store: PgStore) -> Self {
        Self { store }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    password_hash: String,
    password_version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
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
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn to_user(row: Option<UserRow>) -> Result<Option<User>, RepositoryError> {
    row.map(User::try_from).transpose()
}

#[async_trait]
impl UserRepository for PgUserRepository {
    async fn create(&self, user: NewUser) -> Result<User, CreateUserError> {
        // ON CONFLICT DO NOTHING keeps a lost race out of the server log as an error; the unique index
        // still decides, atomically.
        let sql = concat!(
            "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (email) DO NOTHING RETURNING ",
            columns!(),
            ""
        );
        let row: Option<UserRow> = self
            .store
            .call(|pool| async move {
                sqlx::query_as(sql)
                    .bind(user.email.as_str())
                    .bind(user.password_hash.expose())
                    .bind(user.created_at)
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
        let sql = concat!("SELECT ", columns!(), " FROM users WHERE id = $1");
        let row = self
            .store
            .read(|pool| sqlx::query_as(sql).bind(id.get()).fetch_optional(pool))
            .await?;
        to_user(row)
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, RepositoryError> {
        let sql = concat!("SELECT ", columns!(), " FROM users WHERE email = $1");
        let row = self
            .store
            .read(|pool| {
                sqlx::query_as(sql)
                    .bind(email.as_str())
                    .fetch_optional(pool)
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
            " FROM users WHERE id > $1 ORDER BY id LIMIT $2"
        );
        let rows: Vec<UserRow> = self
            .store
            .read(|pool| {
                sqlx::query_as(sql)
                    .bind(after.map_or(0, UserId::get))
                    .bind(i64::from(first.get()))
                    .fetch_all(pool)
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
        // The WHERE on the old hash is the compare-and-set; GREATEST keeps updated_at moving even if this
        // replica's clock is behind the one that wrote last.
        let sql = concat!(
            "UPDATE users SET password_hash = $3, password_version = password_version + 1, \
             updated_at = GREATEST($4, updated_at + interval '1 microsecond') \
             WHERE id = $1 AND password_hash = $2 RETURNING ",
            columns!(),
            ""
        );
        let row = self
            .store
            .call(|pool| async move {
                sqlx::query_as(sql)
                    .bind(id.get())
                    .bind(expected.expose())
                    .bind(new.expose())
                    .bind(at)
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
            .call(|pool| async move {
                sqlx::query(
                    "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
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
impl PasswordVersions for PgUserRepository {
    async fn current(&self, id: UserId) -> Result<Option<i64>, RepositoryError> {
        self.store
            .read(|pool| {
                sqlx::query_scalar("SELECT password_version FROM users WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(pool)
            })
            .await
    }
}
