//! A lock holds by the database's clock, whatever the clock of the replica asking says.
//!
//! Two replicas share one PostgreSQL; the second's clock runs an hour ahead. Were lock times taken
//! from the replica, the second would find a lock the first set long over and check the password.

use std::sync::Arc;

use adapters::clock::SystemClock;
use adapters::postgres::testing::TestDatabase;
use adapters::users::bcrypt::BcryptHasher;
use adapters::users::postgres::{PgLoginAttempts, PgUserRepository};
use application::ports::Clock;
use application::{UpsertUser, UpsertUserError, UpsertUserInput, UpsertUserService};
use chrono::{DateTime, TimeDelta, Utc};
use domain::LockoutPolicy;

struct AnHourAhead;

impl Clock for AnHourAhead {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::hours(1)
    }
}

fn replica<C: Clock>(db: &TestDatabase, clock: C) -> Arc<dyn UpsertUser> {
    let lockout = LockoutPolicy::try_new(2, TimeDelta::minutes(5), TimeDelta::minutes(15))
        .expect("valid policy");
    Arc::new(
        UpsertUserService::new(
            PgUserRepository::new(db.store()),
            PgLoginAttempts::new(db.store()),
            BcryptHasher::try_new(4, 0).expect("valid cost"),
            clock,
        )
        .with_lockout(lockout),
    )
}

fn input(password: &str) -> UpsertUserInput {
    UpsertUserInput {
        email: "skew@example.com".to_owned(),
        password: password.to_owned(),
        new_password: None,
    }
}

#[tokio::test]
async fn a_replica_whose_clock_runs_ahead_cannot_end_a_lock_early() {
    let db = TestDatabase::create().await;
    let on_time = replica(&db, SystemClock);
    let ahead = replica(&db, AnHourAhead);
    on_time
        .upsert_user(input("MyPassword1!"))
        .await
        .expect("signed up");
    for _ in 0..2 {
        let wrong = on_time.upsert_user(input("Wrong-Pass1!")).await;
        assert!(
            matches!(wrong, Err(UpsertUserError::InvalidCurrentPassword)),
            "{wrong:?}"
        );
    }
    // The lock lasts five minutes by the database's clock; an hour ahead it would be long over.
    let right = ahead.upsert_user(input("MyPassword1!")).await;
    assert!(
        matches!(right, Err(UpsertUserError::InvalidCurrentPassword)),
        "the lock still holds: {right:?}"
    );
}
