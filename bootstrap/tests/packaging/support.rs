//! What every check shares: the files under test, read from the workspace root, and the service's
//! real configuration loader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use bootstrap::Settings;
use serde_norway::Value as Yaml;

pub const COMPOSE: &str = "docker-compose.yml";
pub const DOCKERFILE: &str = "Dockerfile";
pub const DOCKERIGNORE: &str = ".dockerignore";
pub const CI_WORKFLOW: &str = ".github/workflows/ci.yml";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bootstrap crate sits in the workspace root")
        .to_path_buf()
}

pub fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{relative}: cannot read {}: {e}", path.display()))
}

pub fn parse_yaml(relative: &str) -> Yaml {
    let mut yaml: Yaml = serde_norway::from_str(&read(relative))
        .unwrap_or_else(|e| panic!("{relative}: not valid YAML: {e}"));
    yaml.apply_merge()
        .unwrap_or_else(|e| panic!("{relative}: bad `<<` merge key: {e}"));
    yaml
}

/// A missing or non-sequence `key` reads as empty: the checks then fail on what they expected to find,
/// which says more than a type error would.
pub fn sequence<'a>(yaml: &'a Yaml, key: &str) -> impl Iterator<Item = &'a Yaml> {
    yaml.get(key)
        .and_then(Yaml::as_sequence)
        .into_iter()
        .flatten()
}

/// figment::Jail rewrites the process environment, which a child process spawned meanwhile would
/// inherit half-cleared; every test that touches the environment or spawns one takes this lock.
pub fn env_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs the real loader on exactly `env`, with no TOML file or .env: the container has neither.
// The closure's error type is figment::Error, fixed by Jail's signature; it is never built here.
#[allow(clippy::result_large_err)]
pub fn load_settings(env: &BTreeMap<String, String>) -> Result<Settings, String> {
    let _env = env_lock();
    let mut result = Err("the jail did not run".to_owned());
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        for (key, value) in env {
            jail.set_env(key, value);
        }
        result = Settings::from_figment(Settings::figment(jail.directory()));
        Ok(())
    });
    result
}
