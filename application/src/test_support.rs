//! Builders shared by the use-case tests.

use chrono::{DateTime, TimeZone, Utc};
use domain::{Email, FailedAttempts, PasswordHash, User, UserId};

use crate::ports::{MockClock, MockPasswordHasher, MockUserRepository};

pub(crate) fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0)
        .single()
        .expect("valid timestamp")
}

pub(crate) fn stored(id: i64, email: &str, hash: &str) -> User {
    User {
        id: UserId::try_new(id).expect("positive"),
        email: Email::parse(email).expect("valid"),
        password_hash: PasswordHash::new(hash.to_owned()),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// The account has no failed password checks on record.
pub(crate) fn no_failures(repo: &mut MockUserRepository) {
    repo.expect_failed_attempts()
        .returning(|_| Ok(FailedAttempts::default()));
}

pub(crate) fn clock_at(seconds: i64) -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(at(seconds));
    clock
}

/// A hasher whose hash of `p` is `hash(p)` and which verifies by comparing, so flows are easy to read.
pub(crate) fn readable_hasher() -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .returning(|p| Ok(PasswordHash::new(format!("hash({})", p.expose()))));
    hasher
        .expect_verify()
        .returning(|p, h| Ok(h.expose() == format!("hash({})", p.expose())));
    hasher
}
