//! The `UserRepository` contract, run against every adapter: PostgreSQL and the embedded SQLite store.
//!
//! Each scenario is written once against the port and instantiated per backend as `scenario::postgres`
//! and `scenario::sqlite`, each on a fresh database. Where the backends differ, the adapter is fixed,
//! never this suite.

use adapters::postgres::PgUserRepository;
use adapters::postgres::testing::TestDatabase;
use adapters::sqlite::SqliteUserRepository;
use adapters::sqlite::testing::TestSqlite;
use application::ports::{CreateUserError, NewUser, UserRepository};
use chrono::{DateTime, TimeZone, Utc};
use domain::{
    Email, FailedAttempts, LockedUntil, LockoutPolicy, PageSize, PasswordHash, User, UserId,
};
use futures::future::join_all;

/// Instantiates each scenario for each backend.
macro_rules! contract {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_db, repo) = super::postgres().await;
                super::$scenario(repo).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_db, repo) = super::sqlite().await;
                super::$scenario(repo).await;
            }
        }
    )+};
}

contract!(
    a_created_user_is_found_by_id_and_by_email_in_any_case,
    absent_users_are_none_not_errors,
    a_second_user_with_the_same_normalised_email_is_email_taken,
    concurrent_creates_of_one_email_leave_exactly_one_row,
    concurrent_creates_of_case_variants_leave_exactly_one_row,
    listing_is_keyset_paginated_in_id_order,
    ids_are_not_reused_after_a_lost_race,
    compare_and_set_replaces_only_the_expected_hash_and_moves_updated_at,
    updated_at_moves_even_when_the_writers_clock_is_behind,
    concurrent_changes_from_one_old_hash_have_exactly_one_winner,
    timestamps_round_trip_at_microsecond_precision,
    admissions_count_up_lock_at_the_threshold_and_clear,
    a_lagging_clock_cannot_slip_past_a_lock,
    concurrent_checks_stop_at_the_threshold,
    concurrent_checks_below_the_threshold_all_count,
    a_burst_on_one_account_counts_every_check,
    an_admission_returns_what_is_stored_at_any_clock_precision,
    counting_failures_never_moves_updated_at,
);

async fn postgres() -> (TestDatabase, PgUserRepository) {
    let db = TestDatabase::create().await;
    let repo = PgUserRepository::new(db.pool.clone());
    (db, repo)
}

async fn sqlite() -> (TestSqlite, SqliteUserRepository) {
    let db = TestSqlite::create().await;
    let repo = SqliteUserRepository::new(db.store.clone());
    (db, repo)
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0)
        .single()
        .expect("valid")
}

fn email(raw: &str) -> Email {
    Email::parse(raw).expect("valid email")
}

fn hash(text: &str) -> PasswordHash {
    PasswordHash::new(text.to_owned())
}

fn new_user(address: &str, password_hash: &str, created: i64) -> NewUser {
    NewUser {
        email: email(address),
        password_hash: hash(password_hash),
        created_at: at(created),
    }
}

fn page(size: u32) -> PageSize {
    PageSize::try_new(size.into()).expect("page size")
}

async fn all_users(repo: &impl UserRepository) -> Vec<User> {
    repo.list(None, page(1000)).await.expect("list")
}

fn ids(users: Vec<User>) -> Vec<UserId> {
    users.into_iter().map(|u| u.id).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------------------

async fn a_created_user_is_found_by_id_and_by_email_in_any_case(repo: impl UserRepository) {
    let created = repo
        .create(new_user("Alice@Example.com", "h1", 0))
        .await
        .expect("created");
    assert_eq!(created.email.as_str(), "alice@example.com");
    assert_eq!((created.created_at, created.updated_at), (at(0), at(0)));

    let by_id = repo.find_by_id(created.id).await.expect("query");
    assert_eq!(by_id.as_ref(), Some(&created));
    let by_email = repo
        .find_by_email(&email("ALICE@example.COM"))
        .await
        .expect("query");
    assert_eq!(by_email, Some(created));
}

async fn absent_users_are_none_not_errors(repo: impl UserRepository) {
    let id = UserId::try_new(424_242).expect("id");
    assert_eq!(repo.find_by_id(id).await.expect("query"), None);
    let nobody = repo
        .find_by_email(&email("nobody@example.com"))
        .await
        .expect("query");
    assert_eq!(nobody, None);
    assert!(all_users(&repo).await.is_empty());
}

async fn a_second_user_with_the_same_normalised_email_is_email_taken(repo: impl UserRepository) {
    repo.create(new_user("bob@example.com", "h1", 0))
        .await
        .expect("first");
    let err = repo
        .create(new_user("BOB@Example.com", "h2", 1))
        .await
        .expect_err("duplicate");
    assert!(matches!(err, CreateUserError::EmailTaken), "{err:?}");
    let stored = repo
        .find_by_email(&email("bob@example.com"))
        .await
        .expect("query")
        .expect("row");
    assert_eq!(
        stored.password_hash.expose(),
        "h1",
        "the loser wrote nothing"
    );
}

/// Shared by the two race scenarios: `addresses[i]` is created concurrently with all the others.
async fn race_creates(repo: impl UserRepository + Clone, addresses: Vec<String>) {
    let attempts = addresses.iter().enumerate().map(|(i, address)| {
        let repo = repo.clone();
        async move { repo.create(new_user(address, &format!("h{i}"), 0)).await }
    });
    let results = join_all(attempts).await;
    let winners: Vec<&User> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let taken = results
        .iter()
        .filter(|r| matches!(r, Err(CreateUserError::EmailTaken)))
        .count();
    assert_eq!(
        (winners.len(), taken),
        (1, addresses.len() - 1),
        "{results:?}"
    );
    let stored = all_users(&repo).await;
    assert_eq!(stored.len(), 1, "exactly one row: {stored:?}");
    assert_eq!(&stored[0], winners[0], "the stored row is the winner's");
}

async fn concurrent_creates_of_one_email_leave_exactly_one_row(repo: impl UserRepository + Clone) {
    race_creates(repo, vec!["race@example.com".to_owned(); 50]).await;
}

async fn concurrent_creates_of_case_variants_leave_exactly_one_row(
    repo: impl UserRepository + Clone,
) {
    let variants = ["case@example.com", "CASE@example.com", "Case@Example.COM"];
    let addresses = (0..30).map(|i| variants[i % 3].to_owned()).collect();
    race_creates(repo, addresses).await;
}

async fn listing_is_keyset_paginated_in_id_order(repo: impl UserRepository) {
    let mut created = Vec::new();
    for i in 0..5 {
        let user = repo
            .create(new_user(&format!("u{i}@example.com"), "h", i))
            .await
            .expect("created");
        created.push(user.id);
    }
    assert!(created.is_sorted(), "ids grow: {created:?}");
    let first_two = ids(repo.list(None, page(2)).await.expect("list"));
    assert_eq!(first_two, created[..2]);
    let next = ids(repo.list(Some(created[1]), page(2)).await.expect("list"));
    assert_eq!(next, created[2..4]);
    let rest = ids(repo.list(Some(created[3]), page(10)).await.expect("list"));
    assert_eq!(rest, created[4..]);
    let past_the_end = repo.list(Some(created[4]), page(10)).await.expect("list");
    assert!(past_the_end.is_empty());
    assert!(repo.list(None, page(0)).await.expect("list").is_empty());
}

async fn ids_are_not_reused_after_a_lost_race(repo: impl UserRepository) {
    let first = repo
        .create(new_user("first@example.com", "h", 0))
        .await
        .expect("created");
    let _ = repo
        .create(new_user("first@example.com", "h", 0))
        .await
        .expect_err("taken");
    let second = repo
        .create(new_user("second@example.com", "h", 0))
        .await
        .expect("created");
    assert!(second.id > first.id, "{:?} after {:?}", second.id, first.id);
}

async fn compare_and_set_replaces_only_the_expected_hash_and_moves_updated_at(
    repo: impl UserRepository,
) {
    let user = repo
        .create(new_user("carol@example.com", "old", 0))
        .await
        .expect("created");
    let updated = repo
        .replace_password_hash(user.id, &hash("old"), &hash("new"), at(10))
        .await
        .expect("query")
        .expect("swapped");
    assert_eq!(updated.password_hash.expose(), "new");
    assert_eq!((updated.created_at, updated.updated_at), (at(0), at(10)));

    let stale = repo
        .replace_password_hash(user.id, &hash("old"), &hash("other"), at(20))
        .await
        .expect("query");
    assert_eq!(stale, None, "a stale expected hash writes nothing");
    let gone = repo
        .replace_password_hash(
            UserId::try_new(999_999).expect("id"),
            &hash("new"),
            &hash("x"),
            at(20),
        )
        .await
        .expect("query");
    assert_eq!(gone, None, "an unknown id writes nothing");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored, updated);
}

async fn updated_at_moves_even_when_the_writers_clock_is_behind(repo: impl UserRepository) {
    let user = repo
        .create(new_user("dave@example.com", "old", 100))
        .await
        .expect("created");
    let updated = repo
        .replace_password_hash(user.id, &hash("old"), &hash("new"), at(50))
        .await
        .expect("query")
        .expect("swapped");
    assert!(
        updated.updated_at > user.updated_at,
        "{:?} vs {:?}",
        updated.updated_at,
        user.updated_at
    );
    assert!(
        updated.updated_at - user.updated_at < chrono::Duration::milliseconds(1),
        "moved just past the stored value, not to some other time: {:?}",
        updated.updated_at
    );
    assert_eq!(updated.created_at, user.created_at);
}

async fn concurrent_changes_from_one_old_hash_have_exactly_one_winner(
    repo: impl UserRepository + Clone,
) {
    let user = repo
        .create(new_user("erin@example.com", "old", 0))
        .await
        .expect("created");
    let changes = (0..20).map(|i| {
        let repo = repo.clone();
        async move {
            repo.replace_password_hash(user.id, &hash("old"), &hash(&format!("new{i}")), at(1))
                .await
        }
    });
    let winners: Vec<User> = join_all(changes)
        .await
        .into_iter()
        .filter_map(|r| r.expect("no error"))
        .collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored, winners[0], "the stored row is the winner's");
}

async fn timestamps_round_trip_at_microsecond_precision(repo: impl UserRepository) {
    let precise = at(0) + chrono::Duration::nanoseconds(123_456_789);
    let created = repo
        .create(NewUser {
            email: email("tick@example.com"),
            password_hash: hash("h"),
            created_at: precise,
        })
        .await
        .expect("created");
    let micros = at(0) + chrono::Duration::microseconds(123_456);
    assert_eq!(
        created.created_at, micros,
        "stored at microsecond precision"
    );
    assert_eq!(created.updated_at, created.created_at);
    let read = repo.find_by_id(created.id).await.expect("q").expect("row");
    assert_eq!(read, created, "what create returns is what is stored");
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

async fn admissions_count_up_lock_at_the_threshold_and_clear(repo: impl UserRepository) {
    let user = repo
        .create(new_user("fail@example.com", "h", 0))
        .await
        .expect("created");
    let other = repo
        .create(new_user("other@example.com", "h", 0))
        .await
        .expect("created");
    assert_eq!(
        repo.failed_attempts(user.id).await.expect("read"),
        FailedAttempts::default()
    );
    let expect = |count, until: Option<i64>| FailedAttempts {
        count,
        locked_until: until.map(at),
    };
    let mut seen = Vec::new();
    for i in 0..3 {
        seen.push(
            repo.admit_password_check(user.id, at(100 + i), &policy())
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
        repo.admit_password_check(user.id, at(111), &policy())
            .await
            .expect("stored"),
        Err(LockedUntil(at(112)))
    );
    assert_eq!(
        repo.failed_attempts(user.id).await.expect("read"),
        expect(3, Some(112)),
        "a refused check writes nothing, so trying during a lock does not prolong it"
    );
    let after_the_lock = repo
        .admit_password_check(user.id, at(112), &policy())
        .await
        .expect("stored");
    assert_eq!(after_the_lock, Ok(expect(4, Some(112 + 20))));
    assert_eq!(
        Ok(repo.failed_attempts(user.id).await.expect("read")),
        after_the_lock,
        "what an admission returns is what is stored"
    );
    assert_eq!(
        repo.failed_attempts(other.id).await.expect("read"),
        FailedAttempts::default(),
        "counts are per account"
    );
    repo.clear_failed_attempts(user.id).await.expect("cleared");
    assert_eq!(
        repo.failed_attempts(user.id).await.expect("read"),
        FailedAttempts::default()
    );
    repo.clear_failed_attempts(user.id)
        .await
        .expect("clearing an account with no record is not an error");
}

async fn a_lagging_clock_cannot_slip_past_a_lock(repo: impl UserRepository) {
    let user = repo
        .create(new_user("long@example.com", "h", 0))
        .await
        .expect("created");
    for _ in 0..3 {
        repo.admit_password_check(user.id, at(1_000), &policy())
            .await
            .expect("stored")
            .expect("admitted");
    }
    // A replica whose clock lags asks "earlier": the lock another replica set still holds.
    assert_eq!(
        repo.admit_password_check(user.id, at(0), &policy())
            .await
            .expect("stored"),
        Err(LockedUntil(at(1_010)))
    );
}

async fn concurrent_checks_stop_at_the_threshold(repo: impl UserRepository + Clone) {
    let user = repo
        .create(new_user("many@example.com", "h", 0))
        .await
        .expect("created");
    let checks = (0..25).map(|_| {
        let repo = repo.clone();
        async move { repo.admit_password_check(user.id, at(1), &policy()).await }
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
    let stored = repo.failed_attempts(user.id).await.expect("read");
    assert_eq!(
        stored,
        FailedAttempts {
            count: 3,
            locked_until: Some(at(11))
        }
    );
}

async fn concurrent_checks_below_the_threshold_all_count(repo: impl UserRepository + Clone) {
    let user = repo
        .create(new_user("counted@example.com", "h", 0))
        .await
        .expect("created");
    let checks = (0..25).map(|_| {
        let repo = repo.clone();
        async move { repo.admit_password_check(user.id, at(1), &lenient()).await }
    });
    for outcome in join_all(checks).await {
        outcome
            .expect("no error under concurrency")
            .expect("admitted");
    }
    let stored = repo.failed_attempts(user.id).await.expect("read");
    assert_eq!(stored.count, 25, "no check was lost");
    assert_eq!(stored.locked_until, None);
}

async fn a_burst_on_one_account_counts_every_check(repo: impl UserRepository + Clone) {
    let user = repo
        .create(new_user("burst@example.com", "h", 0))
        .await
        .expect("created");
    // Far more racing checks than the pool has connections, under a threshold none reaches.
    let checks = (0..150).map(|_| {
        let repo = repo.clone();
        async move { repo.admit_password_check(user.id, at(1), &lenient()).await }
    });
    for outcome in join_all(checks).await {
        outcome
            .expect("a burst is never a store error")
            .expect("admitted");
    }
    let stored = repo.failed_attempts(user.id).await.expect("read");
    assert_eq!(stored.count, 150, "every check counted once");
}

async fn an_admission_returns_what_is_stored_at_any_clock_precision(repo: impl UserRepository) {
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
    let admitted = repo
        .admit_password_check(user.id, now, &strict)
        .await
        .expect("stored")
        .expect("admitted");
    assert_eq!(repo.failed_attempts(user.id).await.expect("read"), admitted);
    // And the compare-and-set still matches what it reads back.
    let later = now + chrono::TimeDelta::seconds(20);
    let again = repo
        .admit_password_check(user.id, later, &strict)
        .await
        .expect("stored")
        .expect("the lock has ended");
    assert_eq!(again.count, 2);
}

async fn counting_failures_never_moves_updated_at(repo: impl UserRepository) {
    let user = repo
        .create(new_user("still@example.com", "h", 0))
        .await
        .expect("created");
    for _ in 0..4 {
        repo.admit_password_check(user.id, at(500), &lenient())
            .await
            .expect("stored")
            .expect("admitted");
    }
    repo.clear_failed_attempts(user.id).await.expect("cleared");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored, user, "updated_at dates password changes only");
}
