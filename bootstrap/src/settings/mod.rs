//! Typed, layered configuration: defaults, then `<name>.toml`, then `.env`, then the environment.
//!
//! Keys are `PORT` and `<PREFIX>*` for everything else (the prefix is the service's name in upper
//! snake case, see [`crate::service`]); in the TOML file the same keys appear without the prefix, in
//! lower case. Each key belongs to one section: the generic ones ([`ServerSettings`],
//! [`DatabaseSettings`], [`LogSettings`]) and one per module ([`crate::service::ModuleSettings`]).
//! Every section refuses keys it does not know, and unknown keys and bad values are refused with one
//! line naming the key as the operator spells it.

mod messages;
mod sections;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use adapters::http::{ConnectionLimits, TrustedProxies};
use adapters::postgres::PoolSettings;
use adapters::sqlite::SqliteSettings;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::service::{self, ModuleSettings};

pub use messages::env_name;
pub use sections::field_names;

const DOTENV_FILE: &str = ".env";

/// The variable many platforms and tools set for an application's database; this service reads its
/// own prefixed key instead.
const CONVENTIONAL_DATABASE_URL: &str = "DATABASE_URL";

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
    #[serde(default)]
    #[validate(nested)]
    pub server: ServerSettings,
    #[serde(default)]
    #[validate(nested)]
    pub database: DatabaseSettings,
    #[serde(default)]
    #[validate(nested)]
    pub log: LogSettings,
    #[serde(default)]
    #[validate(nested)]
    pub modules: ModuleSettings,
}

/// How the service listens and what `/graphql` allows.
#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// `PORT`
    pub port: u16,
    /// `<PREFIX>HOST`
    pub host: IpAddr,
    /// `<PREFIX>GRAPHIQL`
    pub graphiql: bool,
    /// `<PREFIX>INTROSPECTION`
    pub introspection: bool,
    /// `<PREFIX>BODY_LIMIT_BYTES`
    #[validate(range(min = 1024, max = 16_777_216))]
    pub body_limit_bytes: usize,
    /// `<PREFIX>SHUTDOWN_GRACE_MS`
    #[validate(range(max = 600_000))]
    pub shutdown_grace_ms: u64,
    /// `<PREFIX>HEADER_READ_TIMEOUT_MS`: for a request head, and for an idle keep-alive connection's next.
    #[validate(range(min = 100, max = 60_000))]
    pub header_read_timeout_ms: u64,
    /// `<PREFIX>BODY_READ_TIMEOUT_MS`: for the whole body, once the head is in.
    #[validate(range(min = 100, max = 60_000))]
    pub body_read_timeout_ms: u64,
    /// `<PREFIX>MAX_CONNECTIONS_PER_CLIENT`: open connections one peer address may hold.
    #[validate(range(min = 1, max = 65_536))]
    pub max_connections_per_client: usize,
    /// `<PREFIX>TRUSTED_PROXIES`: addresses and networks, comma-separated, whose `X-Forwarded-For`
    /// names the client; empty trusts none.
    pub trusted_proxies: String,
    /// `<PREFIX>METRICS_ADDR`: `host:port` to serve `/metrics` on, apart from the API; unset serves none.
    pub metrics_addr: Option<SocketAddr>,
}

impl Default for ServerSettings {
    /// A laptop with nothing installed: every interface, the service's own port.
    fn default() -> Self {
        Self {
            port: service::DEFAULT_PORT,
            host: IpAddr::from([0, 0, 0, 0]),
            graphiql: true,
            introspection: true,
            body_limit_bytes: adapters::http::DEFAULT_BODY_LIMIT,
            shutdown_grace_ms: 10_000,
            // Well inside a minute, and long enough for a phone on a poor link to send a 64 KiB body.
            header_read_timeout_ms: 20_000,
            body_read_timeout_ms: 20_000,
            // Far above what a browser or a pooled client opens; a reverse proxy that speaks for many
            // clients from one address may need more.
            max_connections_per_client: 256,
            // Trusting a header nobody vouches for would let every client pick its own address.
            trusted_proxies: String::new(),
            // A scrape port is a choice of the deployment's: two services on one machine would fight over
            // any default.
            metrics_addr: None,
        }
    }
}

/// Which store, and how long to wait for it.
#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `<PREFIX>DATABASE_URL`: a `postgres://` URL selects PostgreSQL; unset means the embedded SQLite file.
    pub database_url: Option<SecretString>,
    /// `<PREFIX>SQLITE_PATH`: where the embedded store keeps its data when no database URL is set.
    pub sqlite_path: PathBuf,
    /// `<PREFIX>DB_MAX_CONNECTIONS`
    #[validate(range(min = 1, max = 1000))]
    pub db_max_connections: u32,
    /// `<PREFIX>DB_ACQUIRE_TIMEOUT_MS`
    #[validate(range(min = 1, max = 60_000))]
    pub db_acquire_timeout_ms: u64,
    /// `<PREFIX>DB_STATEMENT_TIMEOUT_MS`
    #[validate(range(min = 1, max = 600_000))]
    pub db_statement_timeout_ms: u64,
    /// `<PREFIX>RUN_MIGRATIONS`
    pub run_migrations: bool,
}

impl Default for DatabaseSettings {
    /// The embedded store, so that `cargo run` needs nothing installed.
    fn default() -> Self {
        Self {
            database_url: None,
            sqlite_path: PathBuf::from(service::DEFAULT_SQLITE_PATH),
            db_max_connections: 10,
            db_acquire_timeout_ms: 3000,
            db_statement_timeout_ms: 5000,
            run_migrations: true,
        }
    }
}

/// What the logs look like and how much they say.
#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `<PREFIX>LOG_FORMAT`: `pretty` or `json`.
    pub log_format: LogFormat,
    /// `<PREFIX>LOG_LEVEL`: a tracing filter such as `info` or `info,sqlx=warn`.
    pub log_level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            log_format: LogFormat::Pretty,
            log_level: "info,sqlx=warn".to_owned(),
        }
    }
}

impl Settings {
    /// Loads from the working directory and the process environment.
    ///
    /// # Errors
    /// One line naming the offending key.
    pub fn load() -> Result<Self, String> {
        Self::from_figment(Self::figment(Path::new(".")))
    }

    /// The layered sources, with files looked up in `dir`. Every source is read with flat keys, as
    /// operators write them, and each key is put into its section.
    pub fn figment(dir: &Path) -> Figment {
        let toml = format!("{}.toml", service::NAME);
        Figment::new()
            .merge(sections::sectioned(Toml::file(dir.join(toml))))
            .merge(sections::sectioned(Serialized::defaults(sections::dotenv(
                &dir.join(DOTENV_FILE),
            ))))
            .merge(sections::sectioned(Env::prefixed(service::ENV_PREFIX)))
            .merge(sections::sectioned(Env::raw().only(&["PORT"])))
    }

    /// # Errors
    /// One line naming the offending key.
    pub fn from_figment(figment: Figment) -> Result<Self, String> {
        let settings: Self = figment
            .extract()
            .map_err(|e| messages::extraction_line(&e))?;
        settings
            .validate()
            .map_err(|e| messages::validation_line(&e))?;
        settings.database.check()?;
        settings.trusted_proxies()?;
        settings
            .database
            .check_conventional_url(std::env::var_os(CONVENTIONAL_DATABASE_URL))?;
        settings.modules.check(&settings.database)?;
        Ok(settings)
    }

    /// Which store to open: PostgreSQL when a URL is set, the embedded SQLite file otherwise.
    pub fn storage(&self) -> Storage {
        let db = &self.database;
        let acquire_timeout = Duration::from_millis(db.db_acquire_timeout_ms);
        let statement_timeout = Duration::from_millis(db.db_statement_timeout_ms);
        match &db.database_url {
            Some(url) => Storage::Postgres(PoolSettings {
                url: url.clone(),
                application_name: service::APPLICATION_NAME.to_owned(),
                max_connections: db.db_max_connections,
                acquire_timeout,
                statement_timeout,
            }),
            None => Storage::Sqlite(SqliteSettings {
                path: db.sqlite_path.clone(),
                max_connections: db.db_max_connections,
                acquire_timeout,
                // SQLite has no statement timeout; the closest bound is how long a write waits for the lock.
                busy_timeout: statement_timeout,
            }),
        }
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.server.shutdown_grace_ms)
    }

    /// # Errors
    /// One line naming the key and the entry that is not an address or a network.
    pub fn trusted_proxies(&self) -> Result<TrustedProxies, String> {
        TrustedProxies::parse(&self.server.trusted_proxies).map_err(|e| {
            format!(
                "invalid configuration: {}: {e}",
                env_name("trusted_proxies")
            )
        })
    }

    pub fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_millis(self.server.header_read_timeout_ms),
            max_connections_per_client: self.server.max_connections_per_client,
        }
    }
}

impl DatabaseSettings {
    /// A deployment that sets only the conventional `DATABASE_URL` would otherwise run every replica
    /// on a private SQLite file, and say so only in a log line.
    fn check_conventional_url(
        &self,
        conventional: Option<std::ffi::OsString>,
    ) -> Result<(), String> {
        if conventional.is_none() || self.database_url.is_some() {
            return Ok(());
        }
        let key = env_name("database_url");
        Err(format!(
            "invalid configuration: {CONVENTIONAL_DATABASE_URL} is set but {key} is not; this service reads only {key} (set it, or unset {CONVENTIONAL_DATABASE_URL} to use the embedded SQLite store)"
        ))
    }

    fn check(&self) -> Result<(), String> {
        let Some(url) = &self.database_url else {
            return Ok(());
        };
        let url = url.expose_secret();
        let key = env_name("database_url");
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(())
        } else if url.trim().is_empty() {
            // An empty value is more likely a broken deployment than a wish for the embedded store.
            Err(format!(
                "invalid configuration: {key} is empty; unset it to use the embedded SQLite store, or give a postgres:// URL"
            ))
        } else {
            Err(format!(
                "invalid configuration: {key} must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)"
            ))
        }
    }
}

/// What the settings tests of every section share.
#[cfg(test)]
pub(crate) mod testing {
    #![allow(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closures' error type, figment::Error, which is large"
    )]

    use std::path::Path;

    use figment::Jail;

    use super::Settings;

    /// Runs `test` in a jail with none of the developer's environment in it, so that a variable set
    /// in their shell cannot change what a test loads.
    pub(crate) fn jailed(test: impl FnOnce(&mut Jail) -> figment::error::Result<()>) {
        Jail::expect_with(|jail| {
            jail.clear_env();
            test(jail)
        });
    }

    /// The settings as the service would load them in the jail's directory.
    pub(crate) fn load_in(jail: &Jail) -> Result<Settings, String> {
        load_from(jail.directory())
    }

    fn load_from(dir: &Path) -> Result<Settings, String> {
        Settings::from_figment(Settings::figment(dir))
    }
}

#[cfg(test)]
mod tests;
