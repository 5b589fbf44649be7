//! The `LoginAttempts` contract, run against every adapter: PostgreSQL and the embedded SQLite store.
//!
//! Each scenario is written once against the ports and instantiated per backend as `scenario::postgres`
//! and `scenario::sqlite`, each on a fresh database. Where the backends differ, the adapter is fixed,
//! never this suite.
//!
//! Times are the store's own clock, so locks here are short and really waited out.

mod contract_support;

use adapters::postgres::testing::TestDatabase;
use adapters::sqlite::testing::TestSqlite;
use adapters::users::postgres::{PgLoginAttempts, PgUserRepository};
use adapters::users::sqlite::{SqliteLoginAttempts, SqliteUserRepository};
use application::users::ports::{LoginAttempts, UserRepository};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use contract_support::new_user;
use domain::{
    FailedAttempts, LockedUntil, LockoutPolicy, Refusal, UNRESOLVED_CHECK_EXPIRY, UserId,
};
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
    failures_count_when_resolved_lock_at_the_threshold_and_a_success_clears,
    a_lock_ends_by_the_stores_clock,
    concurrent_checks_stop_at_the_threshold,
    a_waiting_check_goes_ahead_when_a_check_in_flight_succeeds,
    a_waiting_check_is_refused_when_the_checks_in_flight_lock,
    concurrent_checks_below_the_threshold_all_count,
    a_burst_on_one_account_counts_every_check,
    an_admission_returns_what_is_stored,
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

const BASE_LOCK: TimeDelta = TimeDelta::milliseconds(400);

/// Locks after 3 failures for 400 ms, doubling to at most 60 s.
fn policy() -> LockoutPolicy {
    LockoutPolicy::try_new(3, BASE_LOCK, TimeDelta::seconds(60)).expect("valid policy")
}

/// As many thresholds as no test reaches, for counting without locking.
fn lenient() -> LockoutPolicy {
    LockoutPolicy::try_new(1_000, BASE_LOCK, TimeDelta::seconds(60)).expect("valid policy")
}

const NO_WAIT: Duration = Duration::ZERO;

async fn account(repo: &impl UserRepository, email: &str) -> UserId {
    repo.create(new_user(email, "h", 0))
        .await
        .expect("created")
        .id
}

async fn admit(
    attempts: &impl LoginAttempts,
    id: UserId,
    policy: &LockoutPolicy,
) -> Result<FailedAttempts, Refusal> {
    attempts
        .admit_password_check(id, policy, NO_WAIT)
        .await
        .expect("stored")
}

async fn resolve(
    attempts: &impl LoginAttempts,
    id: UserId,
    verified: bool,
    policy: &LockoutPolicy,
) {
    attempts
        .resolve_password_check(id, verified, policy)
        .await
        .expect("resolved");
}

async fn failures_count_when_resolved_lock_at_the_threshold_and_a_success_clears(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = account(&repo, "fail@example.com").await;
    let other = account(&repo, "other@example.com").await;
    assert_eq!(
        attempts.failed_attempts(user).await.expect("read"),
        FailedAttempts::default()
    );
    for count in 1..=2 {
        let admitted = admit(&attempts, user, &policy()).await.expect("admitted");
        assert_eq!((admitted.count, admitted.in_flight), (count - 1, 1));
        resolve(&attempts, user, false, &policy()).await;
        let stored = attempts.failed_attempts(user).await.expect("read");
        assert_eq!(
            (stored.count, stored.in_flight, stored.locked_until),
            (count, 0, None)
        );
    }
    admit(&attempts, user, &policy())
        .await
        .expect("the third check runs");
    resolve(&attempts, user, false, &policy()).await;
    let locked = attempts.failed_attempts(user).await.expect("read");
    let until = locked.locked_until.expect("the third failure locks");
    assert_eq!(locked.count, 3);
    assert_eq!(
        admit(&attempts, user, &policy()).await,
        Err(Refusal::Locked(LockedUntil(until)))
    );
    assert_eq!(
        attempts.failed_attempts(user).await.expect("read"),
        locked,
        "a refused check writes nothing, so trying during a lock does not prolong it"
    );
    assert_eq!(
        attempts.failed_attempts(other).await.expect("read"),
        FailedAttempts::default(),
        "counts are per account"
    );
    wait_past(until).await;
    admit(&attempts, user, &policy())
        .await
        .expect("the lock has ended");
    resolve(&attempts, user, false, &policy()).await;
    let relocked = attempts.failed_attempts(user).await.expect("read");
    assert_eq!(relocked.count, 4);
    let doubled = relocked.locked_until.expect("locked again") - until;
    assert!(
        doubled >= BASE_LOCK * 2,
        "the second lock doubles: {doubled}"
    );
    admit(&attempts, other, &policy()).await.expect("admitted");
    resolve(&attempts, other, true, &policy()).await;
    assert_eq!(
        attempts.failed_attempts(other).await.expect("read"),
        FailedAttempts::default(),
        "a success clears the record"
    );
}

async fn wait_past(until: chrono::DateTime<Utc>) {
    let left = (until - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(left + Duration::from_millis(50)).await;
}

async fn a_lock_ends_by_the_stores_clock(repo: impl UserRepository, attempts: impl LoginAttempts) {
    let user = account(&repo, "long@example.com").await;
    let before = Utc::now();
    for _ in 0..3 {
        admit(&attempts, user, &policy()).await.expect("admitted");
        resolve(&attempts, user, false, &policy()).await;
    }
    let after = Utc::now();
    let until = attempts
        .failed_attempts(user)
        .await
        .expect("read")
        .locked_until
        .expect("locked");
    // The store runs on this machine, so its clock and ours agree to well within the lock.
    let slack = TimeDelta::milliseconds(100);
    assert!(
        until >= before + BASE_LOCK - slack && until <= after + BASE_LOCK + slack,
        "the lock ends {BASE_LOCK} after the failure, by the store's clock: {before} .. {until} .. {after}"
    );
    let admitted = admit(&attempts, user, &policy()).await;
    assert_eq!(admitted, Err(Refusal::Locked(LockedUntil(until))));
    let pending = admit(
        &attempts,
        account(&repo, "new@example.com").await,
        &policy(),
    )
    .await
    .expect("admitted");
    let expiry = pending.in_flight_until.expect("a check in flight expires");
    assert!(expiry > Utc::now() + UNRESOLVED_CHECK_EXPIRY - TimeDelta::seconds(5));
}

async fn concurrent_checks_stop_at_the_threshold(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let user = account(&repo, "many@example.com").await;
    let checks = (0..25).map(|_| {
        let attempts = attempts.clone();
        async move {
            attempts
                .admit_password_check(user, &policy(), NO_WAIT)
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
            .all(|o| o.is_ok() || *o == Err(Refusal::Busy))
    );
    let stored = attempts.failed_attempts(user).await.expect("read");
    assert_eq!(
        (stored.count, stored.in_flight, stored.locked_until),
        (0, 3, None)
    );
}

/// The threshold's worth of checks in flight, and one more asking with a wait.
async fn a_full_account_and_a_waiter<A: LoginAttempts + Clone>(
    repo: &impl UserRepository,
    attempts: &A,
    email: &str,
) -> (
    UserId,
    tokio::task::JoinHandle<Result<FailedAttempts, Refusal>>,
) {
    let user = account(repo, email).await;
    for _ in 0..3 {
        admit(attempts, user, &policy()).await.expect("admitted");
    }
    let waiter = {
        let attempts = attempts.clone();
        tokio::spawn(async move {
            attempts
                .admit_password_check(user, &policy(), Duration::from_secs(10))
                .await
                .expect("stored")
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !waiter.is_finished(),
        "the waiter waits while the place is taken"
    );
    (user, waiter)
}

async fn a_waiting_check_goes_ahead_when_a_check_in_flight_succeeds(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let (user, waiter) = a_full_account_and_a_waiter(&repo, &attempts, "wait@example.com").await;
    resolve(&attempts, user, false, &policy()).await;
    resolve(&attempts, user, true, &policy()).await;
    let admitted = waiter
        .await
        .expect("joined")
        .expect("admitted after the success");
    assert_eq!((admitted.count, admitted.in_flight), (0, 2));
}

async fn a_waiting_check_is_refused_when_the_checks_in_flight_lock(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let (user, waiter) = a_full_account_and_a_waiter(&repo, &attempts, "lock@example.com").await;
    for _ in 0..3 {
        resolve(&attempts, user, false, &policy()).await;
    }
    let refused = waiter.await.expect("joined");
    assert!(matches!(refused, Err(Refusal::Locked(_))), "{refused:?}");
}

async fn concurrent_checks_below_the_threshold_all_count(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let user = account(&repo, "counted@example.com").await;
    let stored = race(&attempts, user, 25).await;
    assert_eq!(stored.count, 25, "no check was lost");
    assert_eq!((stored.in_flight, stored.locked_until), (0, None));
}

/// `n` checks admitted at once, then all resolved as failures at once; the record they leave.
async fn race(attempts: &(impl LoginAttempts + Clone), user: UserId, n: usize) -> FailedAttempts {
    let checks = (0..n).map(|_| {
        let attempts = attempts.clone();
        async move {
            attempts
                .admit_password_check(user, &lenient(), NO_WAIT)
                .await
        }
    });
    for outcome in join_all(checks).await {
        outcome.expect("never a store error").expect("admitted");
    }
    assert_eq!(
        attempts
            .failed_attempts(user)
            .await
            .expect("read")
            .in_flight,
        u32::try_from(n).expect("small")
    );
    let failures = (0..n).map(|_| {
        let attempts = attempts.clone();
        async move {
            attempts
                .resolve_password_check(user, false, &lenient())
                .await
        }
    });
    for outcome in join_all(failures).await {
        outcome.expect("never a store error");
    }
    attempts.failed_attempts(user).await.expect("read")
}

async fn a_burst_on_one_account_counts_every_check(
    repo: impl UserRepository,
    attempts: impl LoginAttempts + Clone,
) {
    let user = account(&repo, "burst@example.com").await;
    // Far more racing checks than the pool has connections, under a threshold none reaches.
    let stored = race(&attempts, user, 150).await;
    assert_eq!(stored.count, 150, "every check counted once");
}

async fn an_admission_returns_what_is_stored(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = account(&repo, "precise@example.com").await;
    let admitted = admit(&attempts, user, &policy()).await.expect("admitted");
    assert_eq!(
        attempts.failed_attempts(user).await.expect("read"),
        admitted
    );
}

async fn counting_failures_never_moves_updated_at(
    repo: impl UserRepository,
    attempts: impl LoginAttempts,
) {
    let user = repo
        .create(new_user("still@example.com", "h", 0))
        .await
        .expect("created");
    for verified in [false, false, false, true] {
        admit(&attempts, user.id, &lenient())
            .await
            .expect("admitted");
        resolve(&attempts, user.id, verified, &lenient()).await;
    }
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored, user, "updated_at dates password changes only");
}
