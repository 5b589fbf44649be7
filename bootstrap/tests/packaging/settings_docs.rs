//! `.env.example` and README's configuration table name every setting the binary reads, and nothing
//! else: a key added to a section shows up in both, and a key removed from one cannot linger in them.

use std::collections::BTreeSet;

use bootstrap::service::ModuleSettings;
use bootstrap::settings::{DatabaseSettings, LogSettings, ServerSettings, env_name, field_names};

use crate::support::read;

const ENV_EXAMPLE: &str = ".env.example";
const README: &str = "README.md";

/// Every key the configuration loader accepts, as the operator spells it.
fn settings() -> BTreeSet<String> {
    let mut keys: Vec<&str> = [
        field_names::<ServerSettings>(),
        field_names::<DatabaseSettings>(),
        field_names::<LogSettings>(),
    ]
    .concat();
    for (_, section) in ModuleSettings::sections() {
        keys.extend_from_slice(section);
    }
    keys.into_iter().map(env_name).collect()
}

fn is_key(word: &str) -> bool {
    word == "PORT" || word.starts_with(bootstrap::service::ENV_PREFIX)
}

/// `KEY=` lines, commented out or not.
fn env_example_keys() -> BTreeSet<String> {
    read(ENV_EXAMPLE)
        .lines()
        .map(|line| line.trim_start_matches('#').trim())
        .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim()))
        .filter(|key| is_key(key) && !key.contains(' '))
        .map(str::to_owned)
        .collect()
}

/// The first cell of every row of the table under README's `## Configuration`.
fn readme_keys() -> BTreeSet<String> {
    let readme = read(README);
    let section = readme
        .split("\n## Configuration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_else(|| panic!("{README} has no `## Configuration` section"));
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|key| is_key(key))
        .map(str::to_owned)
        .collect()
}

fn assert_same(file: &str, listed: &BTreeSet<String>) {
    let read = settings();
    let missing: Vec<&String> = read.difference(listed).collect();
    let stale: Vec<&String> = listed.difference(&read).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "{file}: settings the service reads but it does not list: {missing:?}; settings it lists \
         that the service does not read: {stale:?}"
    );
}

#[test]
fn env_example_lists_every_setting_and_no_other() {
    assert_same(ENV_EXAMPLE, &env_example_keys());
}

#[test]
fn the_readme_configuration_table_lists_every_setting_and_no_other() {
    assert_same(README, &readme_keys());
}
