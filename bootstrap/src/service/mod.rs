//! Who this service is, and the modules it is made of. Everything else in bootstrap is the same in
//! every service made from this template and reads its names from here.

pub mod users;

use serde::Deserialize;
use validator::Validate;

use crate::settings::{DatabaseSettings, Settings, field_names};
use crate::startup::Wiring;
use crate::store::Store;

/// The binary, the compose service, and the name in every log line and message.
pub const NAME: &str = "auth";
/// Every setting but `PORT` is this and the key in upper case.
pub const ENV_PREFIX: &str = "AUTH_";
/// The port when `PORT` is unset: the course's.
pub const DEFAULT_PORT: u16 = 3000;
/// The embedded store's file when nothing is configured, relative to the working directory.
pub const DEFAULT_SQLITE_PATH: &str = "data/auth.db";
/// The pool's `application_name` in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "jobber-auth";
/// The PostgreSQL database the compose file creates for this service.
pub const DATABASE_NAME: &str = "auth";

/// One section per module, each with its own keys.
#[derive(Debug, Default, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct ModuleSettings {
    #[validate(nested)]
    pub users: users::UsersSettings,
}

impl ModuleSettings {
    /// Each section's name and keys.
    pub fn sections() -> Vec<(&'static str, &'static [&'static str])> {
        vec![("users", field_names::<users::UsersSettings>())]
    }

    /// What a module's settings require of the rest.
    ///
    /// # Errors
    /// One line naming the key.
    pub fn check(&self, database: &DatabaseSettings) -> Result<(), String> {
        self.users.check(database)
    }
}

/// Every module wired to the store, and what the server needs of them.
///
/// # Errors
/// When a module's settings cannot be turned into its adapters.
pub fn wire(store: &Store, settings: &Settings) -> anyhow::Result<Wiring> {
    let users = users::wire(store, &settings.modules.users)?;
    Ok(Wiring {
        identity: users.identity,
        modules: vec![Box::new(users.schema)],
        routes: users.routes,
    })
}
