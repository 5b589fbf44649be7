//! The `UserRepository` contract, run against every adapter: PostgreSQL and the embedded SQLite store.
//! The failed-attempt count has its own, in `login_attempts_contract.rs`.
//!
//! Each scenario is written once against the port and instantiated per backend as `scenario::postgres`
//! and `scenario::sqlite`, each on a fresh database. Where the backends differ, the adapter is fixed,
//! never this suite.

mod contract_support;

use adapters::postgres::testing::TestDatabase;
use adapters::sqlite::testing::TestSqlite;
use adapters::users::postgres::PgUserRepository;
use adapters::users::sqlite::SqliteUserRepository;
use application::users::ports::{CreateUserError, NewUser, UserRepository};
use contract_support::{at, email, hash, new_user};
use domain::{PageSize, User, UserId};
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
    a_rehash_is_a_compare_and_set_that_moves_neither_updated_at_nor_the_version,
);

async fn postgres() -> (TestDatabase, PgUserRepository) {
    let db = TestDatabase::create().await;
    let repo = PgUserRepository::new(db.store());
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
    assert_eq!(
        (user.password_version, updated.password_version),
        (1, 2),
        "a new user starts at version 1 and each change bumps it"
    );

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

async fn a_rehash_is_a_compare_and_set_that_moves_neither_updated_at_nor_the_version(
    repo: impl UserRepository,
) {
    let user = repo
        .create(new_user("rehash@example.com", "cost-4", 0))
        .await
        .expect("created");
    let wrote = repo
        .rehash_password(user.id, &hash("cost-4"), &hash("cost-12"))
        .await
        .expect("query");
    assert!(wrote, "the expected hash was stored");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored.password_hash.expose(), "cost-12");
    assert_eq!(
        (stored.updated_at, stored.password_version),
        (user.updated_at, user.password_version),
        "a rehash is not a password change"
    );

    // A change committed since the verify wins: the rehash of the old hash writes nothing.
    repo.replace_password_hash(user.id, &hash("cost-12"), &hash("changed"), at(5))
        .await
        .expect("query")
        .expect("changed");
    let late = repo
        .rehash_password(user.id, &hash("cost-12"), &hash("stale-rehash"))
        .await
        .expect("query");
    assert!(!late, "a stale expected hash writes nothing");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(stored.password_hash.expose(), "changed");
}
