//! Who this service is, and the modules it is made of. Everything else in bootstrap is the same in
//! every service made from this template and reads its names from here.

pub mod callers;
mod {{ plural.snake }};

use axum::Router;
use serde::Deserialize;
use validator::Validate;

use crate::settings::{DatabaseSettings, Settings, field_names};
use crate::startup::Wiring;
use crate::store::Store;

/// The binary, the compose service, and the name in every log line and message.
pub const NAME: &str = "{{ name }}";
/// Every setting but `PORT` is this and the key in upper case.
pub const ENV_PREFIX: &str = "{{ prefix }}";
/// The port when `PORT` is unset: not the auth service's {{ auth_port }}, so both run side by side.
pub const DEFAULT_PORT: u16 = {{ port }};
/// The embedded store's file when nothing is configured, relative to the working directory.
pub const DEFAULT_SQLITE_PATH: &str = "data/{{ name }}.db";
/// The pool's `application_name` in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "{{ package }}";
/// The PostgreSQL database the compose file creates for this service.
pub const DATABASE_NAME: &str = "{{ snake }}";

/// One section per module, each with its own keys.
#[derive(Debug, Default, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct ModuleSettings {
    #[validate(nested)]
    pub callers: callers::CallersSettings,
}

impl ModuleSettings {
    /// Each section's name and keys.
    pub fn sections() -> Vec<(&'static str, &'static [&'static str])> {
        vec![("callers", field_names::<callers::CallersSettings>())]
    }

    /// What a module's settings require of the rest.
    ///
    /// # Errors
    /// One line naming the key.
    pub fn check(&self, _database: &DatabaseSettings) -> Result<(), String> {
        self.callers.check()
    }
}

/// Every module wired to the store, and what the server needs of them.
///
/// # Errors
/// When a module's settings cannot be turned into its adapters.
pub fn wire(store: &Store, settings: &Settings) -> anyhow::Result<Wiring> {
    Ok(Wiring {
        identity: callers::identity(&settings.modules.callers)?,
        modules: vec![Box::new({{ plural.snake }}::wire(store))],
        routes: Router::new(),
    })
}
