#![allow(
    clippy::result_large_err,
    reason = "figment::Jail fixes the closures' error type, figment::Error, which is large"
)]

use figment::Jail;

use super::testing::{jailed, load_in};
use super::*;

/// The environment variable for `key`, with this service's prefix.
fn var(key: &str) -> String {
    env_name(key)
}

fn toml_file() -> String {
    format!("{}.toml", service::NAME)
}

#[test]
fn defaults_need_nothing_installed() {
    jailed(|jail| {
        let s = load_in(jail).expect("defaults load");
        assert_eq!(s.server.port, service::DEFAULT_PORT);
        assert!(s.database.run_migrations && s.server.graphiql && s.server.introspection);
        assert_eq!(s.database.db_acquire_timeout_ms, 3000);
        assert!(s.database.database_url.is_none());
        match s.storage() {
            Storage::Sqlite(sqlite) => {
                assert_eq!(sqlite.path, Path::new(service::DEFAULT_SQLITE_PATH));
            }
            Storage::Postgres(_) => panic!("with no database URL the store is the embedded one"),
        }
        Ok(())
    });
}

#[test]
fn layers_apply_in_order_toml_then_dotenv_then_environment() {
    jailed(|jail| {
        jail.create_file(
            toml_file(),
            "db_max_connections = 4\nport = 4000\ngraphiql = false\nlog_level = \"debug\"\n",
        )?;
        jail.create_file(
            ".env",
            &format!("{}=5\nPORT=5000\nUNRELATED=1\n", var("db_max_connections")),
        )?;
        jail.set_env("PORT", "6000");
        let s = load_in(jail).expect("loads");
        assert_eq!(s.database.db_max_connections, 5, ".env beats the TOML file");
        assert_eq!(s.server.port, 6000, "the environment beats .env");
        assert!(!s.server.graphiql, "the TOML file beats the defaults");
        assert_eq!(s.log.log_level, "debug", "each key reaches its own section");
        Ok(())
    });
}

/// The settings as loaded with `url` set on top. A module may require more of a PostgreSQL deployment
/// (tested in its own section's tests); the choice of store does not depend on it.
fn with_database_url(jail: &Jail, url: &str) -> Settings {
    let mut settings = load_in(jail).expect("defaults load");
    settings.database.database_url = Some(url.to_owned().into());
    settings
}

#[test]
fn a_postgres_url_selects_postgresql_with_the_services_name_on_its_connections() {
    jailed(|jail| {
        match with_database_url(jail, "postgres://u:secret@db:5432/app").storage() {
            Storage::Postgres(pool) => {
                assert_eq!(pool.url.expose_secret(), "postgres://u:secret@db:5432/app");
                assert_eq!(pool.application_name, service::APPLICATION_NAME);
            }
            Storage::Sqlite(_) => panic!("a postgres:// URL selects PostgreSQL"),
        }
        Ok(())
    });
}

#[test]
fn an_unknown_key_is_named() {
    jailed(|jail| {
        let typo = var("GRAPHIQ");
        jail.set_env(&typo, "true");
        let err = load_in(jail).expect_err("unknown key");
        assert!(err.contains(&typo), "{err}");
        assert!(err.contains("is not a setting this service reads"), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
        Ok(())
    });
}

#[test]
fn a_key_that_names_a_section_is_refused_too() {
    jailed(|jail| {
        jail.set_env(var("server"), "1");
        let err = load_in(jail).expect_err("not a setting");
        assert!(err.contains(&var("server")), "{err}");
        Ok(())
    });
}

#[test]
fn a_bad_value_is_named() {
    jailed(|jail| {
        jail.set_env("PORT", "not-a-port");
        let err = load_in(jail).expect_err("bad port");
        assert!(err.starts_with("invalid configuration: PORT: "), "{err}");
        Ok(())
    });
}

#[test]
fn booleans_are_parsed_strictly() {
    jailed(|jail| {
        jail.set_env(var("graphiql"), "yes");
        let err = load_in(jail).expect_err("not a boolean");
        assert!(err.contains(&var("graphiql")), "{err}");
        assert!(err.contains("boolean"), "{err}");
        Ok(())
    });
}

#[test]
fn out_of_range_values_name_the_variable_and_the_bounds() {
    jailed(|jail| {
        jail.set_env(var("db_max_connections"), "0");
        let err = load_in(jail).expect_err("no connections");
        assert_eq!(
            err,
            format!(
                "invalid configuration: {} must be between 1 and 1000, got 0",
                var("db_max_connections")
            )
        );
        Ok(())
    });
}

#[test]
fn a_non_postgres_url_is_refused_without_echoing_it() {
    jailed(|jail| {
        jail.set_env(var("database_url"), "mysql://root:hunter2@db/app");
        let err = load_in(jail).expect_err("not postgres");
        assert!(err.contains(&var("database_url")), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        Ok(())
    });
}

#[test]
fn debug_output_does_not_show_the_database_url() {
    jailed(|jail| {
        let s = with_database_url(jail, "postgres://u:hunter2@db/app");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{:?}", s.storage()).contains("hunter2"));
        Ok(())
    });
}

#[test]
fn the_sqlite_path_is_configurable() {
    jailed(|jail| {
        jail.set_env(var("sqlite_path"), "/var/lib/app/data.db");
        let s = load_in(jail).expect("loads");
        match s.storage() {
            Storage::Sqlite(sqlite) => assert_eq!(sqlite.path, Path::new("/var/lib/app/data.db")),
            Storage::Postgres(_) => panic!("no URL means SQLite"),
        }
        Ok(())
    });
}

#[test]
fn an_empty_database_url_is_refused_rather_than_read_as_unset() {
    jailed(|jail| {
        jail.set_env(var("database_url"), "");
        let err = load_in(jail).expect_err("empty URL");
        assert!(
            err.contains(&format!("{} is empty", var("database_url"))),
            "{err}"
        );
        Ok(())
    });
}

#[test]
fn the_conventional_database_url_alone_is_refused_naming_the_key_to_set() {
    jailed(|jail| {
        jail.set_env("DATABASE_URL", "postgres://u:secret@db:5432/app");
        let err = load_in(jail).expect_err("DATABASE_URL without the service's own key");
        let ours = var("database_url");
        assert!(
            err.contains(&format!("DATABASE_URL is set but {ours} is not")),
            "{err}"
        );
        assert!(!err.contains("secret"), "the URL is never echoed: {err}");
        Ok(())
    });
}

/// Checked on the section alone: a module may require more of a PostgreSQL deployment.
#[test]
fn the_conventional_database_url_beside_the_services_own_is_ignored() {
    let ours = DatabaseSettings {
        database_url: Some("postgres://u@db:5432/app".to_owned().into()),
        ..DatabaseSettings::default()
    };
    assert_eq!(
        ours.check_conventional_url(Some("postgres://other@db/else".into())),
        Ok(())
    );
    assert_eq!(
        DatabaseSettings::default().check_conventional_url(None),
        Ok(())
    );
}

#[test]
fn a_bad_value_in_the_toml_file_names_the_key_and_the_file() {
    jailed(|jail| {
        jail.create_file(toml_file(), "db_max_connections = \"many\"\n")?;
        let err = load_in(jail).expect_err("not a number");
        assert!(err.contains(&var("db_max_connections")), "{err}");
        assert!(err.contains(&toml_file()), "{err}");
        Ok(())
    });
}

#[test]
fn trusted_proxies_are_a_list_of_addresses_and_networks() {
    jailed(|jail| {
        let s = load_in(jail).expect("defaults load");
        assert!(s.server.trusted_proxies.is_empty(), "none by default");
        jail.set_env(var("trusted_proxies"), "10.0.0.0/8, 192.168.1.7");
        let s = load_in(jail).expect("loads");
        assert!(s.trusted_proxies().is_ok());
        jail.set_env(var("trusted_proxies"), "10.0.0.0/8,proxy.internal");
        let err = load_in(jail).expect_err("not an address");
        assert!(err.contains(&var("trusted_proxies")), "{err}");
        assert!(err.contains("`proxy.internal`"), "{err}");
        Ok(())
    });
}
