//! The `LoginAttempts` contract, run against every adapter: PostgreSQL and the embedded SQLite store.
//!
//! Each scenario is written once against the ports and instantiated per backend as `scenario::postgres`
//! and `scenario::sqlite`, each on a fresh database. Where the backends differ, the adapter is fixed,
//! never this suite.

mod contract_support;

use adapters::postgres::testing::TestDatabase;
use adapters::sqlite::testing::TestSqlite;
use adapters::users::postgres::{PgLoginAttempts, PgUserRepository};
use adapters::users::sqlite::{SqliteLoginAttempts, SqliteUserRepository};
use application::users::ports::{LoginAttempts, UserRepository};
use contract_support::{at, new_user};
use domain::{FailedAttempts, LockedUntil, LockoutPolicy};
use futures::future::join_all;

/// Instantiates each scenario for each backend.
macro_rules! contract {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_db, users, attempts) = super::postgres().await;
                super::$scenario(users, attempts).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_db, users, attempts) = super::sqlite().await;
                super::$scenario(users, attempts).await;
            }
        }
    )+};
}

contract!(
    admissions_count_up_lock_at_the_threshold_and_clear,
    a_lagging_clock_cannot_slip_past_a_lock,
    concurrent_checks_stop_at_the_threshold,
    concurrent_checks_below_the_threshold_all_count,
    a_burst_on_one_account_counts_every_check,
    an_admission_returns_what_is_stored_at_any_clock_precision,
    counting_failures_never_moves_updated_at,
);

async fn postgres() -> (TestDatabase, PgUserRepository, PgLoginAttempts) {
    let db = TestDatabase::create().await;
    let users = PgUserRepository::new(db.store());
    let attempts = PgLoginAttempts::new(db.store());
    (db, users, attempts)
}

async fn sqlite() -> (TestSqlite, SqliteUserRepository, SqliteLoginAttempts) {
    let db = TestSqlite::create().await;
    let users = SqliteUserRepository::new(db.store.clone());
    let attempts = SqliteLoginAttempts::new(db.store.clone());
    (db, users, attempts)
}

/// Locks after 3 failures for 10 s, doubling to at most 60 s.
fn policy() -> LockoutPolicy {
    LockoutPolicy::try_new(
        3,
        chrono::TimeDelta::seconds(10),
        chrono::TimeDelta::seconds(60),
    )
    .expect("valid policy")
}

/// As many thresholds as no test reaches, for counting without locking.
fn lenient() -> LockoutPolicy {
    LockoutPolicy::try_new(
        1_000,
        chrono::TimeDelta::seconds(10),
        chrono::TimeDelta::seconds(60),
    )
    .expect("valid policy")
}

async fn admissions_count_up_lock_at_the_threshold_and_clear(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = repo
        .create(new_user("fail@example.com", "h", 0))
        .await
        .expect("created");
    let other = repo
        .create(new_user("other@example.com", "h", 0))
        .await
        .expect("created");
    assert_eq!(
        attempts.failed_attempts(user.id).await.expect("read"),
        FailedAttempts::default()
    );
    let expect = |count, until: Option<i64>| FailedAttempts {
        count,
        locked_until: until.map(at),
    };
    let mut seen = Vec::new();
    for i in 0..3 {
        seen.push(
            attempts
                .admit_password_check(user.id, at(100 + i), &policy())
                .await
                .expect("stored"),
        );
    }
    assert_eq!(
        seen,
        [
            Ok(expect(1, None)),
            Ok(expect(2, None)),
            Ok(expect(3, Some(102 + 10)))
        ],
        "the check that reaches the threshold is admitted, and locks"
    );
    assert_eq!(
        attempts
            .admit_password_check(user.id, at(111), &policy())
            .await
            .expect("stored"),
        Err(LockedUntil(at(112)))
    );
    assert_eq!(
        attempts.failed_attempts(user.id).await.expect("read"),
        expect(3, Some(112)),
        "a refused check writes nothing, so trying during a lock does not prolong it"
    );
    let after_the_lock = attempts
        .admit_password_check(user.id, at(112), &policy())
        .await
        .expect("stored");
    assert_eq!(after_the_lock, Ok(expect(4, Some(112 + 20))));
    assert_eq!(
        Ok(attempts.failed_attempts(user.id).await.expect("read")),
        after_the_lock,
        "what an admission returns is what is stored"
    );
    assert_eq!(
        attempts.failed_attempts(other.id).await.expect("read"),
        FailedAttempts::default(),
        "counts are per account"
    );
    attempts
        .clear_failed_attempts(user.id)
        .await
        .expect("cleared");
    assert_eq!(
        attempts.failed_attempts(user.id).await.expect("read"),
        FailedAttempts::default()
    );
    attempts
        .clear_failed_attempts(user.id)
        .await
        .expect("clearing an account with no record is not an error");
}

async fn a_lagging_clock_cannot_slip_past_a_lock(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = repo
        .create(new_user("long@example.com", "h", 0))
        .await
        .expect("created");
    for _ in 0..3 {
        attempts
            .admit_password_check(user.id, at(1_000), &policy())
            .await
            .expect("stored")
            .expect("admitted");
    }
    // A replica whose clock lags asks "earlier": the lock another replica set still holds.
    assert_eq!(
        attempts
            .admit_password_check(user.id, at(0), &policy())
            .await
            .expect("stored"),
        Err(LockedUntil(at(1_010)))
    );
}

async fn concurrent_checks_stop_at_the_threshold(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let user = repo
        .create(new_user("many@example.com", "h", 0))
        .await
        .expect("created");
    let checks = (0..25).map(|_| {
        let attempts = attempts.clone();
        async move {
            attempts
                .admit_password_check(user.id, at(1), &policy())
                .await
        }
    });
    let outcomes: Vec<_> = join_all(checks)
        .await
        .into_iter()
        .map(|r| r.expect("no error under concurrency"))
        .collect();
    let admitted = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(
        admitted, 3,
        "exactly the threshold's worth of checks may run bcrypt: {outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok() || *o == Err(LockedUntil(at(11))))
    );
    let stored = attempts.failed_attempts(user.id).await.expect("read");
    assert_eq!(
        stored,
        FailedAttempts {
            count: 3,
            locked_until: Some(at(11))
        }
    );
}

async fn concurrent_checks_below_the_threshold_all_count(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let user = repo
        .create(new_user("counted@example.com", "h", 0))
        .await
        .expect("created");
    let checks = (0..25).map(|_| {
        let attempts = attempts.clone();
        async move {
            attempts
                .admit_password_check(user.id, at(1), &lenient())
                .await
        }
    });
    for outcome in join_all(checks).await {
        outcome
            .expect("no error under concurrency")
            .expect("admitted");
    }
    let stored = attempts.failed_attempts(user.id).await.expect("read");
    assert_eq!(stored.count, 25, "no check was lost");
    assert_eq!(stored.locked_until, None);
}

async fn a_burst_on_one_account_counts_every_check(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let user = repo
        .create(new_user("burst@example.com", "h", 0))
        .await
        .expect("created");
    // Far more racing checks than the pool has connections, under a threshold none reaches.
    let checks = (0..150).map(|_| {
        let attempts = attempts.clone();
        async move {
            attempts
                .admit_password_check(user.id, at(1), &lenient())
                .await
        }
    });
    for outcome in join_all(checks).await {
        outcome
            .expect("a burst is never a store error")
            .expect("admitted");
    }
    let stored = attempts.failed_attempts(user.id).await.expect("read");
    assert_eq!(stored.count, 150, "every check counted once");
}

async fn an_admission_returns_what_is_stored_at_any_clock_precision(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = repo
        .create(new_user("precise@example.com", "h", 0))
        .await
        .expect("created");
    let strict = LockoutPolicy::try_new(
        1,
        chrono::TimeDelta::seconds(10),
        chrono::TimeDelta::seconds(60),
    )
    .expect("valid policy");
    // A clock with nanoseconds: the stores keep microseconds.
    let now = at(1) + chrono::TimeDelta::nanoseconds(123_456_789);
    let admitted = attempts
        .admit_password_check(user.id, now, &strict)
        .await
        .expect("stored")
        .expect("admitted");
    assert_eq!(
        attempts.failed_attempts(user.id).await.expect("read"),
        admitted
    );
    // And the compare-and-set still matches what it reads back.
    let later = now + chrono::TimeDelta::seconds(20);
    let again = attempts
        .admit_password_check(user.id, later, &strict)
        .await
        .expect("stored")
        .expect("the lock has ended");
    assert_eq!(again.count, 2);
}

async fn counting_failures_never_moves_updated_at(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = repo
        .create(new_user("still@example.com", "h", 0))
        .await
        .expect("created");
    for _ in 0..4 {
        attempts
            .admit_password_check(user.id, at(500), &lenient())
            .await
            .expect("stored")
            .expect("admitted");
    }
    attempts
        .clear_failed_attempts(user.id)
        .await
        .expect("cleared");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored, user, "updated_at dates password changes only");
}
