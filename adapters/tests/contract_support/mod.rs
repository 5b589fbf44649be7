//! What both contract suites of the users module share.
#![allow(dead_code, reason = "each suite uses its own share of these")]

use application::users::ports::NewUser;
use chrono::{DateTime, TimeZone, Utc};
use domain::{Email, PasswordHash};

pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0)
        .single()
        .expect("valid")
}

pub fn email(raw: &str) -> Email {
    Email::parse(raw).expect("valid email")
}

pub fn hash(text: &str) -> PasswordHash {
    PasswordHash::new(text.to_owned())
}

pub fn new_user(address: &str, password_hash: &str, created: i64) -> NewUser {
    NewUser {
        email: email(address),
        password_hash: hash(password_hash),
        created_at: at(created),
    }
}
