#![allow(
    clippy::result_large_err,
    reason = "figment::Jail fixes the closures' error type, figment::Error, which is large"
)]

use figment::Jail;
use secrecy::ExposeSecret;

use super::*;
use crate::Seconds;

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn load_in(jail: &Jail) -> Result<Settings, String> {
    Settings::from_figment(Settings::figment(jail.directory()))
}

#[test]
fn defaults_match_the_seed() {
    Jail::expect_with(|jail| {
        let s = load_in(jail).expect("defaults load");
        assert_eq!(s.port, 3000);
        assert_eq!(s.bcrypt_cost, 12);
        assert!(s.run_migrations && s.graphiql && s.introspection);
        assert_eq!(s.db_acquire_timeout_ms, 3000);
        assert!(s.database_url.is_none());
        match s.storage() {
            Storage::Sqlite(sqlite) => assert_eq!(sqlite.path, Path::new("data/auth.db")),
            Storage::Postgres(_) => {
                panic!("with no AUTH_DATABASE_URL the store is the embedded one")
            }
        }
        Ok(())
    });
}

#[test]
fn layers_apply_in_order_toml_then_dotenv_then_environment() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "auth.toml",
            "bcrypt_cost = 10\nport = 4000\ngraphiql = false\n",
        )?;
        jail.create_file(".env", "AUTH_BCRYPT_COST=11\nPORT=5000\nUNRELATED=1\n")?;
        jail.set_env("PORT", "6000");
        jail.set_env("AUTH_DATABASE_URL", "postgres://u:secret@db:5432/auth");
        jail.set_env("AUTH_JWT_SECRET", SECRET);
        let s = load_in(jail).expect("loads");
        assert_eq!(s.bcrypt_cost, 11, ".env beats auth.toml");
        assert_eq!(s.port, 6000, "the environment beats .env");
        assert!(!s.graphiql, "auth.toml beats the defaults");
        match s.storage() {
            Storage::Postgres(pool) => {
                assert_eq!(pool.url.expose_secret(), "postgres://u:secret@db:5432/auth");
            }
            Storage::Sqlite(_) => panic!("a postgres:// URL selects PostgreSQL"),
        }
        Ok(())
    });
}

#[test]
fn an_unknown_key_is_named() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_BCRYPT_COTS", "10");
        let err = load_in(jail).expect_err("unknown key");
        assert!(err.contains("AUTH_BCRYPT_COTS"), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
        Ok(())
    });
}

#[test]
fn a_bad_value_is_named() {
    Jail::expect_with(|jail| {
        jail.set_env("PORT", "not-a-port");
        let err = load_in(jail).expect_err("bad port");
        assert!(err.starts_with("invalid configuration: PORT: "), "{err}");
        Ok(())
    });
}

#[test]
fn booleans_are_parsed_strictly() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_GRAPHIQL", "yes");
        let err = load_in(jail).expect_err("not a boolean");
        assert!(err.contains("AUTH_GRAPHIQL"), "{err}");
        assert!(err.contains("boolean"), "{err}");
        Ok(())
    });
}

#[test]
fn out_of_range_values_name_the_variable_and_the_bounds() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_BCRYPT_COST", "3");
        let err = load_in(jail).expect_err("cost too low");
        assert_eq!(
            err,
            "invalid configuration: AUTH_BCRYPT_COST must be between 4 and 31, got 3"
        );
        Ok(())
    });
}

#[test]
fn a_non_postgres_url_is_refused_without_echoing_it() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_DATABASE_URL", "mysql://root:hunter2@db/auth");
        let err = load_in(jail).expect_err("not postgres");
        assert!(err.contains("AUTH_DATABASE_URL"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        Ok(())
    });
}

#[test]
fn debug_output_does_not_show_the_database_url() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_DATABASE_URL", "postgres://u:hunter2@db/auth");
        jail.set_env("AUTH_JWT_SECRET", SECRET);
        let s = load_in(jail).expect("loads");
        assert!(!format!("{s:?}").contains(SECRET));
        assert!(!format!("{s:?}").contains("hunter2"));
        Ok(())
    });
}

#[test]
fn the_sqlite_path_is_configurable() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_SQLITE_PATH", "/var/lib/auth/users.db");
        let s = load_in(jail).expect("loads");
        match s.storage() {
            Storage::Sqlite(sqlite) => assert_eq!(sqlite.path, Path::new("/var/lib/auth/users.db")),
            Storage::Postgres(_) => panic!("no URL means SQLite"),
        }
        Ok(())
    });
}

#[test]
fn an_empty_database_url_is_refused_rather_than_read_as_unset() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_DATABASE_URL", "");
        let err = load_in(jail).expect_err("empty URL");
        assert!(err.contains("AUTH_DATABASE_URL is empty"), "{err}");
        Ok(())
    });
}

#[test]
fn a_bad_value_in_auth_toml_names_the_key_and_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file("auth.toml", "bcrypt_cost = \"high\"\n")?;
        let err = load_in(jail).expect_err("not a number");
        assert!(err.contains("AUTH_BCRYPT_COST"), "{err}");
        assert!(err.contains("auth.toml"), "{err}");
        Ok(())
    });
}

#[test]
fn postgres_needs_a_jwt_secret_and_a_short_one_is_refused_without_echoing_it() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_DATABASE_URL", "postgres://u@db/auth");
        let err = load_in(jail).expect_err("no secret");
        assert!(
            err.contains("AUTH_JWT_SECRET is required with PostgreSQL"),
            "{err}"
        );
        jail.set_env("AUTH_JWT_SECRET", "too-short-but-secret");
        let err = load_in(jail).expect_err("short secret");
        assert!(err.contains("at least 32 bytes, got 20"), "{err}");
        assert!(!err.contains("too-short-but-secret"), "{err}");
        Ok(())
    });
}

#[test]
fn the_embedded_store_runs_without_a_secret() {
    Jail::expect_with(|jail| {
        let s = load_in(jail).expect("loads");
        assert!(s.jwt_secret.is_none());
        assert_eq!(s.jwt_expiration, Seconds(3_600));
        assert!(s.cookie_secure, "Secure is the default");
        Ok(())
    });
}

#[test]
fn token_lifetimes_take_units_and_the_cookie_flag_is_strict() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_JWT_EXPIRATION", "15m");
        jail.set_env("AUTH_COOKIE_SECURE", "false");
        let s = load_in(jail).expect("loads");
        assert_eq!(s.jwt_expiration, Seconds(900));
        assert!(!s.cookie_secure);
        jail.set_env("AUTH_COOKIE_SECURE", "no");
        let err = load_in(jail).expect_err("not a boolean");
        assert!(err.contains("AUTH_COOKIE_SECURE"), "{err}");
        jail.set_env("AUTH_COOKIE_SECURE", "false");
        jail.set_env("AUTH_JWT_EXPIRATION", "soon");
        let err = load_in(jail).expect_err("not a duration");
        assert!(err.contains("AUTH_JWT_EXPIRATION"), "{err}");
        jail.set_env("AUTH_JWT_EXPIRATION", "0");
        let err = load_in(jail).expect_err("zero");
        assert!(err.contains("AUTH_JWT_EXPIRATION must be between"), "{err}");
        Ok(())
    });
}

#[test]
fn a_lockout_base_longer_than_its_cap_is_refused() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH_LOCKOUT_BASE_SECONDS", "600");
        jail.set_env("AUTH_LOCKOUT_MAX_SECONDS", "60");
        let err = load_in(jail).expect_err("base above cap");
        assert!(
            err.contains("AUTH_LOCKOUT_BASE_SECONDS must not exceed AUTH_LOCKOUT_MAX_SECONDS"),
            "{err}"
        );
        Ok(())
    });
}
