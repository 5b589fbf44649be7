#![allow(
    clippy::result_large_err,
    reason = "figment::Jail fixes the closures' error type, figment::Error, which is large"
)]

use crate::Seconds;
use crate::settings::testing::{jailed, load_in};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn module_keys_reach_the_users_section_from_every_source() {
    jailed(|jail| {
        jail.create_file("auth.toml", "bcrypt_cost = 10\nlockout_threshold = 7\n")?;
        jail.create_file(".env", "AUTH_BCRYPT_COST=11\n")?;
        let s = load_in(jail).expect("loads");
        assert_eq!(s.modules.users.bcrypt_cost, 11, ".env beats auth.toml");
        assert_eq!(
            s.modules.users.lockout_threshold, 7,
            "auth.toml beats the defaults"
        );
        Ok(())
    });
}

#[test]
fn the_bcrypt_cost_defaults_to_12_and_its_range_is_named() {
    jailed(|jail| {
        assert_eq!(load_in(jail).expect("loads").modules.users.bcrypt_cost, 12);
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
fn an_unknown_module_key_is_named() {
    jailed(|jail| {
        jail.set_env("AUTH_BCRYPT_COTS", "10");
        let err = load_in(jail).expect_err("unknown key");
        assert!(err.contains("AUTH_BCRYPT_COTS"), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
        Ok(())
    });
}

#[test]
fn a_bad_value_in_auth_toml_names_the_key_and_the_file() {
    jailed(|jail| {
        jail.create_file("auth.toml", "bcrypt_cost = \"high\"\n")?;
        let err = load_in(jail).expect_err("not a number");
        assert!(err.contains("AUTH_BCRYPT_COST"), "{err}");
        assert!(err.contains("auth.toml"), "{err}");
        Ok(())
    });
}

#[test]
fn postgres_needs_a_jwt_secret_and_a_short_one_is_refused_without_echoing_it() {
    jailed(|jail| {
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
        jail.set_env("AUTH_JWT_SECRET", SECRET);
        let s = load_in(jail).expect("loads");
        assert!(
            !format!("{s:?}").contains(SECRET),
            "the secret is never printed"
        );
        Ok(())
    });
}

#[test]
fn the_embedded_store_runs_without_a_secret() {
    jailed(|jail| {
        let s = load_in(jail).expect("loads").modules.users;
        assert!(s.jwt_secret.is_none());
        assert_eq!(s.jwt_expiration, Seconds(3_600));
        assert!(s.cookie_secure, "Secure is the default");
        Ok(())
    });
}

#[test]
fn token_lifetimes_take_units_and_the_cookie_flag_is_strict() {
    jailed(|jail| {
        jail.set_env("AUTH_JWT_EXPIRATION", "15m");
        jail.set_env("AUTH_COOKIE_SECURE", "false");
        let s = load_in(jail).expect("loads").modules.users;
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
    jailed(|jail| {
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
