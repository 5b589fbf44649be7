//! The users module: its settings section, and its adapters wired to the store.

use std::sync::Arc;
use std::time::Duration;

use adapters::clock::SystemClock;
use adapters::graphql::SharedIdentity;
use adapters::users::bcrypt::{BcryptHasher, DEFAULT_COST};
use adapters::users::graphql::{
    CookieSettings, DEFAULT_PASSWORD_CHECK_WAIT, DEFAULT_PASSWORD_CHECKS_IN_FLIGHT, SharedAuth,
    UsersModule,
};
use adapters::users::identity::SessionIdentity;
use adapters::users::jwt::{JwtSettings, JwtTokens, MIN_SECRET_BYTES};
use adapters::users::password_versions::{CachedPasswordVersions, ForgetOnChange, VersionCache};
use adapters::users::postgres::{PgLoginAttempts, PgUserRepository, SILENCE, spawn_version_feed};
use adapters::users::sqlite::{SqliteLoginAttempts, SqliteUserRepository};
use application::users::ports::{LoginAttempts, PasswordVersions, UserRepository};
use application::{AuthService, UpsertUserService, UserQueryService};
use axum::Router;
use chrono::TimeDelta;
use domain::{ClientFailurePolicy, LockoutPolicy};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use validator::Validate;

use crate::Seconds;
use crate::settings::{DatabaseSettings, env_name};
use crate::store::Store;

const MAX_JWT_EXPIRATION_SECONDS: u64 = 30 * 86_400;

#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct UsersSettings {
    /// `AUTH_BCRYPT_COST`
    #[validate(range(min = 4, max = 31))]
    pub bcrypt_cost: u32,
    /// `AUTH_BCRYPT_MAX_CONCURRENCY`; 0 means one per core.
    #[validate(range(max = 1024))]
    pub bcrypt_max_concurrency: usize,
    /// `AUTH_PASSWORD_CHECKS_IN_FLIGHT`: `upsertUser` and `login` operations at once; more wait (four
    /// per place at most) and get `RATE_LIMITED` if no place comes in time.
    #[validate(range(min = 1, max = 100_000))]
    pub password_checks_in_flight: usize,
    /// `AUTH_PASSWORD_CHECK_WAIT_MS`: how long such an operation waits for a place, and then for its
    /// account's checks in flight to resolve; 0 refuses at once.
    #[validate(range(max = 60_000))]
    pub password_check_wait_ms: u64,
    /// `AUTH_JWT_SECRET`: signs session tokens; at least 32 bytes. Required with PostgreSQL; on the
    /// embedded store a random one is made per process when unset.
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
    /// `AUTH_CLIENT_FAILURE_LIMIT`: failed password checks one client may make per window, on each
    /// replica, before its checks are refused.
    #[validate(range(min = 1, max = 1_000_000))]
    pub client_failure_limit: u32,
    /// `AUTH_CLIENT_FAILURE_WINDOW_SECONDS`: the window of that limit.
    #[validate(range(min = 1, max = 86_400))]
    pub client_failure_window_seconds: u32,
    /// `AUTH_CLIENT_REFUSAL_SECONDS`: how long a client past the limit is refused.
    #[validate(range(min = 1, max = 86_400))]
    pub client_refusal_seconds: u32,
}

impl Default for UsersSettings {
    fn default() -> Self {
        let lockout = LockoutPolicy::default();
        let client = ClientFailurePolicy::default();
        let seconds = |d: Duration| u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
        Self {
            bcrypt_cost: DEFAULT_COST,
            bcrypt_max_concurrency: 0,
            password_checks_in_flight: DEFAULT_PASSWORD_CHECKS_IN_FLIGHT,
            password_check_wait_ms: u64::try_from(DEFAULT_PASSWORD_CHECK_WAIT.as_millis())
                .unwrap_or(u64::MAX),
            jwt_secret: None,
            jwt_expiration: Seconds(3_600),
            jwt_issuer: "jobber-auth".to_owned(),
            jwt_audience: "jobber".to_owned(),
            cookie_secure: true,
            lockout_threshold: lockout.threshold(),
            lockout_base_seconds: 30,
            lockout_max_seconds: 900,
            client_failure_limit: client.limit(),
            client_failure_window_seconds: seconds(client.window()),
            client_refusal_seconds: seconds(client.block()),
        }
    }
}

impl UsersSettings {
    pub(super) fn check(&self, database: &DatabaseSettings) -> Result<(), String> {
        self.check_jwt(database)?;
        self.lockout()?;
        Ok(())
    }

    fn check_jwt(&self, database: &DatabaseSettings) -> Result<(), String> {
        let secret_key = env_name("jwt_secret");
        match &self.jwt_secret {
            Some(secret) if secret.expose_secret().len() < MIN_SECRET_BYTES => Err(format!(
                "invalid configuration: {secret_key} must be at least {MIN_SECRET_BYTES} bytes, got {}",
                secret.expose_secret().len()
            )),
            None if database.database_url.is_some() => Err(format!(
                "invalid configuration: {secret_key} is required with PostgreSQL (at least \
                 {MIN_SECRET_BYTES} bytes, e.g. `openssl rand -hex 32`), so that tokens survive restarts \
                 and every replica accepts them"
            )),
            _ if !(1..=MAX_JWT_EXPIRATION_SECONDS).contains(&self.jwt_expiration.0) => {
                Err(format!(
                    "invalid configuration: {} must be between 1 s and 30 days, got {} s",
                    env_name("jwt_expiration"),
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
            format!(
                "invalid configuration: {} must not exceed {}",
                env_name("lockout_base_seconds"),
                env_name("lockout_max_seconds")
            )
        })
    }

    /// The limit on one client's failed checks; the ranges above keep every part positive.
    fn client_failures(&self) -> anyhow::Result<ClientFailurePolicy> {
        Ok(ClientFailurePolicy::try_new(
            self.client_failure_limit,
            Duration::from_secs(self.client_failure_window_seconds.into()),
            Duration::from_secs(self.client_refusal_seconds.into()),
        )?)
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

    /// The configured secret, or, on the embedded store only (the check refuses PostgreSQL without
    /// one), a random one for this process.
    fn jwt_secret(&self) -> anyhow::Result<SecretString> {
        if let Some(secret) = &self.jwt_secret {
            return Ok(secret.clone());
        }
        tracing::warn!(
            "{} is not set: signing session tokens with a random secret made for this process; \
             sessions will not survive a restart",
            env_name("jwt_secret")
        );
        JwtTokens::random_secret()
    }
}

/// What the users module gives the server.
pub(super) struct Users {
    /// The auth service answers "who is calling" itself, from its own sessions.
    pub identity: SharedIdentity,
    pub schema: UsersModule,
    pub routes: Router,
}

pub(super) fn wire(store: &Store, settings: &UsersSettings) -> anyhow::Result<Users> {
    let hasher = BcryptHasher::try_new(settings.bcrypt_cost, settings.bcrypt_max_concurrency)?;
    // In the background, so that readiness does not wait for a bcrypt run.
    let warm = hasher.clone();
    tokio::spawn(async move { warm.prepare_dummy().await });
    let tokens = JwtTokens::try_new(&settings.jwt(settings.jwt_secret()?))?;
    let lockout = settings.lockout().map_err(anyhow::Error::msg)?;
    let parts = Parts {
        hasher,
        tokens,
        lockout,
        client_failures: settings.client_failures()?,
        settings,
    };
    Ok(match store {
        Store::Postgres(pg, _) => {
            // Other replicas change passwords too: the cache is trusted while the change feed is heard.
            let cache = VersionCache::fed(SILENCE);
            spawn_version_feed(pg.clone(), cache.clone());
            let users = PgUserRepository::new(pg.clone());
            parts.build(
                ForgetOnChange::new(users.clone(), cache.clone()),
                CachedPasswordVersions::new(users, cache),
                PgLoginAttempts::new(pg.clone()),
            )
        }
        Store::Sqlite(db) => {
            // The embedded store has one process: its own changes are all there are.
            let cache = VersionCache::in_process();
            let users = SqliteUserRepository::new(db.clone());
            parts.build(
                ForgetOnChange::new(users.clone(), cache.clone()),
                CachedPasswordVersions::new(users, cache),
                SqliteLoginAttempts::new(db.clone()),
            )
        }
    })
}

struct Parts<'a> {
    hasher: BcryptHasher,
    tokens: JwtTokens,
    lockout: LockoutPolicy,
    client_failures: ClientFailurePolicy,
    settings: &'a UsersSettings,
}

impl Parts<'_> {
    fn build<R, V, A>(self, repository: R, versions: V, attempts: A) -> Users
    where
        R: UserRepository + Clone,
        V: PasswordVersions,
        A: LoginAttempts + Clone,
    {
        let Self {
            hasher,
            tokens,
            lockout,
            client_failures,
            settings,
        } = self;
        // One bound on how long a password check waits, for a place in flight or for the account's own
        // checks in flight to resolve.
        let check_wait = Duration::from_millis(settings.password_check_wait_ms);
        let upserts = UpsertUserService::new(
            repository.clone(),
            attempts.clone(),
            hasher.clone(),
            SystemClock,
        )
        .with_lockout(lockout)
        .with_check_wait(check_wait);
        let auth: SharedAuth = Arc::new(
            AuthService::new(
                repository.clone(),
                attempts,
                hasher,
                SystemClock,
                tokens,
                versions,
            )
            .with_lockout(lockout)
            .with_check_wait(check_wait),
        );
        Users {
            identity: Arc::new(SessionIdentity(auth.clone())),
            schema: UsersModule {
                queries: Arc::new(UserQueryService::new(repository)),
                upserts: Arc::new(upserts),
                auth: auth.clone(),
                cookie: CookieSettings {
                    secure: settings.cookie_secure,
                },
                password_checks_in_flight: settings.password_checks_in_flight,
                password_check_wait: check_wait,
                client_failures,
            },
            routes: adapters::users::http::routes(auth),
        }
    }
}

#[cfg(test)]
#[path = "users_tests.rs"]
mod tests;
