//! Typed, layered configuration: defaults, then `auth.toml`, then `.env`, then the environment.
//!
//! Keys are the seed's `AUTH_DATABASE_URL` and `PORT`, and `AUTH_*` for everything else; in `auth.toml`
//! the same keys appear without the prefix, in lower case. Unknown keys and bad values are refused with
//! one line naming the key.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use adapters::jwt::{JwtSettings, MIN_SECRET_BYTES};
use adapters::postgres::PoolSettings;
use adapters::sqlite::SqliteSettings;
use chrono::TimeDelta;
use domain::LockoutPolicy;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Value};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::duration::Seconds;

pub const ENV_PREFIX: &str = "AUTH_";
const MAX_JWT_EXPIRATION_SECONDS: u64 = 30 * 86_400;
const TOML_FILE: &str = "auth.toml";
const DOTENV_FILE: &str = ".env";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The store the service runs on, chosen by configuration here and nowhere else.
#[derive(Debug, Clone)]
pub enum Storage {
    Postgres(PoolSettings),
    Sqlite(SqliteSettings),
}

#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `PORT`
    pub port: u16,
    /// `AUTH_HOST`
    pub host: IpAddr,
    /// `AUTH_DATABASE_URL`: a `postgres://` URL selects PostgreSQL; unset means the embedded SQLite file.
    #[serde(default)]
    pub database_url: Option<SecretString>,
    /// `AUTH_SQLITE_PATH`: where the embedded store keeps its data when no database URL is set.
    pub sqlite_path: PathBuf,
    /// `AUTH_DB_MAX_CONNECTIONS`
    #[validate(range(min = 1, max = 1000))]
    pub db_max_connections: u32,
    /// `AUTH_DB_ACQUIRE_TIMEOUT_MS`
    #[validate(range(min = 1, max = 60_000))]
    pub db_acquire_timeout_ms: u64,
    /// `AUTH_DB_STATEMENT_TIMEOUT_MS`
    #[validate(range(min = 1, max = 600_000))]
    pub db_statement_timeout_ms: u64,
    /// `AUTH_RUN_MIGRATIONS`
    pub run_migrations: bool,
    /// `AUTH_BCRYPT_COST`
    #[validate(range(min = 4, max = 31))]
    pub bcrypt_cost: u32,
    /// `AUTH_BCRYPT_MAX_CONCURRENCY`; 0 means one per core.
    #[validate(range(max = 1024))]
    pub bcrypt_max_concurrency: usize,
    /// `AUTH_PASSWORD_CHECKS_IN_FLIGHT`: `upsertUser` and `login` operations at once; more get
    /// `RATE_LIMITED` at once instead of a place in an unbounded queue.
    #[validate(range(min = 1, max = 100_000))]
    pub password_checks_in_flight: usize,
    /// `AUTH_GRAPHIQL`
    pub graphiql: bool,
    /// `AUTH_INTROSPECTION`
    pub introspection: bool,
    /// `AUTH_BODY_LIMIT_BYTES`
    #[validate(range(min = 1024, max = 16_777_216))]
    pub body_limit_bytes: usize,
    /// `AUTH_SHUTDOWN_GRACE_MS`
    #[validate(range(max = 600_000))]
    pub shutdown_grace_ms: u64,
    /// `AUTH_LOG_FORMAT`: `pretty` or `json`.
    pub log_format: LogFormat,
    /// `AUTH_LOG_LEVEL`: a tracing filter such as `info` or `info,sqlx=warn`.
    pub log_level: String,
    /// `AUTH_JWT_SECRET`: signs session tokens; at least 32 bytes. Required with PostgreSQL; on the
    /// embedded store a random one is made per process when unset.
    #[serde(default)]
    pub jwt_secret: Option<SecretString>,
    /// `AUTH_JWT_EXPIRATION`: a session token's (and its cookie's) lifetime.
    pub jwt_expiration: Seconds,
    /// `AUTH_JWT_ISSUER`: the `iss` claim.
    pub jwt_issuer: String,
    /// `AUTH_JWT_AUDIENCE`: the `aud` claim; services that verify tokens themselves expect it.
    pub jwt_audience: String,
    /// `AUTH_COOKIE_SECURE`: mark the session cookie `Secure`.
    pub cookie_secure: bool,
    /// `AUTH_LOCKOUT_THRESHOLD`: consecutive failed password checks before an account locks.
    #[validate(range(min = 1, max = 1000))]
    pub lockout_threshold: u32,
    /// `AUTH_LOCKOUT_BASE_SECONDS`: the first lock; each further failure doubles it.
    #[validate(range(min = 1, max = 86_400))]
    pub lockout_base_seconds: u32,
    /// `AUTH_LOCKOUT_MAX_SECONDS`: the longest lock.
    #[validate(range(min = 1, max = 604_800))]
    pub lockout_max_seconds: u32,
}

/// The defaults: a laptop with nothing installed, so the embedded store and the seed's port.
fn defaults() -> Dict {
    let mut d = Dict::new();
    let mut set = |k: &str, v: Value| {
        d.insert(k.to_owned(), v);
    };
    set("port", 3000.into());
    set("host", "0.0.0.0".into());
    set("sqlite_path", "data/auth.db".into());
    set("db_max_connections", 10.into());
    set("db_acquire_timeout_ms", 3000.into());
    set("db_statement_timeout_ms", 5000.into());
    set("run_migrations", true.into());
    set("bcrypt_cost", adapters::bcrypt::DEFAULT_COST.into());
    set("bcrypt_max_concurrency", 0.into());
    set(
        "password_checks_in_flight",
        adapters::graphql::DEFAULT_PASSWORD_CHECKS_IN_FLIGHT.into(),
    );
    set("graphiql", true.into());
    set("introspection", true.into());
    set(
        "body_limit_bytes",
        adapters::http::DEFAULT_BODY_LIMIT.into(),
    );
    set("shutdown_grace_ms", 10_000.into());
    set("log_format", "pretty".into());
    set("log_level", "info,sqlx=warn".into());
    set("jwt_expiration", 3_600.into());
    set("jwt_issuer", "jobber-auth".into());
    set("jwt_audience", "jobber".into());
    set("cookie_secure", true.into());
    let lockout = LockoutPolicy::default();
    set("lockout_threshold", lockout.threshold().into());
    set("lockout_base_seconds", 30.into());
    set("lockout_max_seconds", 900.into());
    d
}

impl Settings {
    /// Loads from the working directory and the process environment.
    ///
    /// # Errors
    /// One line naming the offending key.
    pub fn load() -> Result<Self, String> {
        Self::from_figment(Self::figment(Path::new(".")))
    }

    /// The layered sources, with files looked up in `dir`.
    pub fn figment(dir: &Path) -> Figment {
        Figment::from(Serialized::defaults(defaults()))
            .merge(Toml::file(dir.join(TOML_FILE)))
            .merge(Serialized::defaults(dotenv(&dir.join(DOTENV_FILE))))
            .merge(Env::prefixed(ENV_PREFIX))
            .merge(Env::raw().only(&["PORT"]))
    }

    /// # Errors
    /// One line naming the offending key.
    pub fn from_figment(figment: Figment) -> Result<Self, String> {
        let settings: Self = figment.extract().map_err(|e| extraction_line(&e))?;
        settings.validate().map_err(|e| validation_line(&e))?;
        settings.check_database_url()?;
        settings.check_jwt()?;
        settings.lockout()?;
        Ok(settings)
    }

    fn check_database_url(&self) -> Result<(), String> {
        use secrecy::ExposeSecret;
        let Some(url) = &self.database_url else {
            return Ok(());
        };
        let url = url.expose_secret();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(())
        } else if url.trim().is_empty() {
            // An empty value is more likely a broken deployment than a wish for the embedded store.
            Err("invalid configuration: AUTH_DATABASE_URL is empty; unset it to use the embedded SQLite store, or give a postgres:// URL".to_owned())
        } else {
            Err("invalid configuration: AUTH_DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)".to_owned())
        }
    }

    fn check_jwt(&self) -> Result<(), String> {
        use secrecy::ExposeSecret;
        match &self.jwt_secret {
            Some(secret) if secret.expose_secret().len() < MIN_SECRET_BYTES => Err(format!(
                "invalid configuration: AUTH_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes, got {}",
                secret.expose_secret().len()
            )),
            None if self.database_url.is_some() => Err(format!(
                "invalid configuration: AUTH_JWT_SECRET is required with PostgreSQL (at least \
                 {MIN_SECRET_BYTES} bytes, e.g. `openssl rand -hex 32`), so that tokens survive restarts \
                 and every replica accepts them"
            )),
            _ if !(1..=MAX_JWT_EXPIRATION_SECONDS).contains(&self.jwt_expiration.0) => {
                Err(format!(
                    "invalid configuration: AUTH_JWT_EXPIRATION must be between 1 s and 30 days, got {} s",
                    self.jwt_expiration.0
                ))
            }
            _ => Ok(()),
        }
    }

    /// # Errors
    /// When the base lock is longer than the longest one.
    pub fn lockout(&self) -> Result<LockoutPolicy, String> {
        LockoutPolicy::try_new(
            self.lockout_threshold,
            TimeDelta::seconds(self.lockout_base_seconds.into()),
            TimeDelta::seconds(self.lockout_max_seconds.into()),
        )
        .map_err(|_| {
            "invalid configuration: AUTH_LOCKOUT_BASE_SECONDS must not exceed AUTH_LOCKOUT_MAX_SECONDS"
                .to_owned()
        })
    }

    /// Token settings around `secret`, which the caller takes from `jwt_secret` or makes.
    pub fn jwt(&self, secret: SecretString) -> JwtSettings {
        JwtSettings {
            secret,
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            lifetime: TimeDelta::seconds(i64::try_from(self.jwt_expiration.0).unwrap_or(i64::MAX)),
        }
    }

    /// Which store to open: PostgreSQL when a URL is set, the embedded SQLite file otherwise.
    /// The deadline on any one store call: a wait for a connection plus the longest statement, and a
    /// second's grace. A frozen database cannot enforce its own statement timeout.
    pub fn store_call_limit(&self) -> Duration {
        Duration::from_millis(
            self.db_acquire_timeout_ms
                .saturating_add(self.db_statement_timeout_ms)
                .saturating_add(1_000),
        )
    }

    pub fn storage(&self) -> Storage {
        let acquire_timeout = Duration::from_millis(self.db_acquire_timeout_ms);
        let statement_timeout = Duration::from_millis(self.db_statement_timeout_ms);
        match &self.database_url {
            Some(url) => Storage::Postgres(PoolSettings {
                url: url.clone(),
                max_connections: self.db_max_connections,
                acquire_timeout,
                statement_timeout,
            }),
            None => Storage::Sqlite(SqliteSettings {
                path: self.sqlite_path.clone(),
                max_connections: self.db_max_connections,
                acquire_timeout,
                // SQLite has no statement timeout; the closest bound is how long a write waits for the lock.
                busy_timeout: statement_timeout,
            }),
        }
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms)
    }
}

/// `.env` entries for our keys, parsed the way figment parses environment values. A missing file is
/// simply no layer; an unreadable one is reported by key when extraction fails.
fn dotenv(path: &Path) -> Dict {
    let mut dict = Dict::new();
    let Ok(entries) = dotenvy::from_path_iter(path) else {
        return dict;
    };
    for (key, value) in entries.flatten() {
        let name = if key == "PORT" {
            Some("port".to_owned())
        } else {
            key.strip_prefix(ENV_PREFIX).map(str::to_ascii_lowercase)
        };
        if let Some(name) = name {
            dict.insert(
                name,
                value
                    .parse::<Value>()
                    .unwrap_or_else(|never| match never {}),
            );
        }
    }
    dict
}

/// Names the key as the operator spells it (`AUTH_GRAPHIQL`, not `graphiql`) and the source it came from.
fn extraction_line(error: &figment::Error) -> String {
    use figment::error::Kind;
    let (key, problem) = match &error.kind {
        Kind::UnknownField(field, _) => (
            Some(field.clone()),
            "is not a setting this service reads".to_owned(),
        ),
        other => (error.path.last().cloned(), other.to_string()),
    };
    let source = error
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(source) => format!(" (from {} {source})", m.name),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    match key {
        Some(key) => format!(
            "invalid configuration: {}: {problem}{source}",
            env_name(&key.to_ascii_lowercase())
        ),
        None => format!("invalid configuration: {problem}{source}"),
    }
}

fn validation_line(errors: &validator::ValidationErrors) -> String {
    let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
    fields.sort_by_key(|(field, _)| field.to_string());
    let lines: Vec<String> = fields
        .into_iter()
        .map(|(field, errs)| {
            let bounds = errs
                .first()
                .map(|e| {
                    let min = e.params.get("min").map(ToString::to_string);
                    let max = e.params.get("max").map(ToString::to_string);
                    let got = e
                        .params
                        .get("value")
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    match (min, max) {
                        (Some(min), Some(max)) => {
                            format!("must be between {min} and {max}, got {got}")
                        }
                        (None, Some(max)) => format!("must be at most {max}, got {got}"),
                        (Some(min), None) => format!("must be at least {min}, got {got}"),
                        (None, None) => "is invalid".to_owned(),
                    }
                })
                .unwrap_or_default();
            format!("{} {bounds}", env_name(&field))
        })
        .collect();
    format!("invalid configuration: {}", lines.join("; "))
}

fn env_name(field: &str) -> String {
    if field == "port" {
        "PORT".to_owned()
    } else {
        format!("{ENV_PREFIX}{}", field.to_ascii_uppercase())
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
