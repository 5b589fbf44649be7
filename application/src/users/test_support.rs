//! Builders shared by the use-case tests.

use chrono::{DateTime, TimeZone, Utc};
use domain::{Email, FailedAttempts, PasswordHash, User, UserId};

use crate::ports::MockClock;
use crate::users::ports::{MockLoginAttempts, MockPasswordHasher};

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
        password_version: 1,
        created_at: at(0),
        updated_at: at(0),
    }
}

/// Password checks on the account start from `record` and are admitted as a store applying the
/// domain's rule would admit them, at the store's time [`at`]`(0)`. Their resolution is not expected:
/// add it where a check runs.
pub(crate) fn checks_start_from(attempts: &mut MockLoginAttempts, record: FailedAttempts) {
    attempts
        .expect_admit_password_check()
        .returning(move |_, policy, _| Ok(record.admit(at(0), policy)));
}

/// The account has no failed password checks on record, and a check may be resolved either way.
pub(crate) fn no_failures(attempts: &mut MockLoginAttempts) {
    checks_start_from(attempts, FailedAttempts::default());
    attempts
        .expect_resolve_password_check()
        .returning(|_, _, _| Ok(()));
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
    hasher.expect_needs_rehash().return_const(false);
    hasher
}
