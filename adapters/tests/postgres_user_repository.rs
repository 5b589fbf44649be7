//! `PgUserRepository` against a real PostgreSQL, one fresh database per test.

use std::time::Duration;

use adapters::postgres::testing::TestDatabase;
use adapters::postgres::{PgUserRepository, PoolSettings, connect_lazy};
use application::ports::{CreateUserError, NewUser, RepositoryError, UserRepository};
use chrono::{DateTime, TimeZone, Utc};
use domain::{Email, PageSize, PasswordHash, UserId};

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0)
        .single()
        .expect("valid")
}

fn new_user(email: &str, hash: &str, created: i64) -> NewUser {
    NewUser {
        email: Email::parse(email).expect("valid"),
        password_hash: PasswordHash::new(hash.to_owned()),
        created_at: at(created),
    }
}

async fn setup() -> (TestDatabase, PgUserRepository) {
    let db = TestDatabase::create().await;
    let repo = PgUserRepository::new(db.pool.clone());
    (db, repo)
}

#[tokio::test]
async fn a_created_user_is_found_by_id_and_by_email_in_any_case() {
    let (_db, repo) = setup().await;
    let created = repo
        .create(new_user("Alice@Example.com", "h1", 0))
        .await
        .expect("created");
    assert_eq!(created.email.as_str(), "alice@example.com");
    assert_eq!((created.created_at, created.updated_at), (at(0), at(0)));

    let by_id = repo
        .find_by_id(created.id)
        .await
        .expect("query")
        .expect("found");
    assert_eq!(by_id, created);
    let by_email = repo
        .find_by_email(&Email::parse("ALICE@example.COM").expect("valid"))
        .await
        .expect("query");
    assert_eq!(by_email, Some(created));
}

#[tokio::test]
async fn absent_users_are_none_not_errors() {
    let (_db, repo) = setup().await;
    assert_eq!(
        repo.find_by_id(UserId::try_new(424_242).expect("id"))
            .await
            .expect("query"),
        None
    );
    assert_eq!(
        repo.find_by_email(&Email::parse("nobody@example.com").expect("valid"))
            .await
            .expect("query"),
        None
    );
}

#[tokio::test]
async fn a_second_user_with_the_same_normalised_email_is_email_taken() {
    let (_db, repo) = setup().await;
    repo.create(new_user("bob@example.com", "h1", 0))
        .await
        .expect("first");
    let err = repo
        .create(new_user("BOB@Example.com", "h2", 1))
        .await
        .expect_err("duplicate");
    assert!(matches!(err, CreateUserError::EmailTaken), "{err:?}");
    let stored = repo
        .find_by_email(&Email::parse("bob@example.com").expect("valid"))
        .await
        .expect("q")
        .expect("row");
    assert_eq!(
        stored.password_hash.expose(),
        "h1",
        "the loser wrote nothing"
    );
}

#[tokio::test]
async fn concurrent_creates_of_one_email_leave_exactly_one_row() {
    let (db, repo) = setup().await;
    let attempts = (0..50).map(|i| {
        let repo = repo.clone();
        async move {
            repo.create(new_user("race@example.com", &format!("h{i}"), 0))
                .await
        }
    });
    let results = futures::future::join_all(attempts).await;
    let winners = results.iter().filter(|r| r.is_ok()).count();
    let taken = results
        .iter()
        .filter(|r| matches!(r, Err(CreateUserError::EmailTaken)))
        .count();
    assert_eq!((winners, taken), (1, 49), "{results:?}");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn listing_is_keyset_paginated_in_id_order() {
    let (_db, repo) = setup().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            repo.create(new_user(&format!("u{i}@example.com"), "h", i))
                .await
                .expect("created")
                .id,
        );
    }
    let page = |n| PageSize::try_new(n).expect("size");
    let first_two: Vec<UserId> = repo
        .list(None, page(2))
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(first_two, ids[..2]);
    let next: Vec<UserId> = repo
        .list(Some(ids[1]), page(2))
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(next, ids[2..4]);
    let rest: Vec<UserId> = repo
        .list(Some(ids[3]), page(10))
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(rest, ids[4..]);
    assert!(repo.list(None, page(0)).await.expect("list").is_empty());
}

#[tokio::test]
async fn compare_and_set_replaces_only_the_expected_hash_and_moves_updated_at() {
    let (_db, repo) = setup().await;
    let user = repo
        .create(new_user("carol@example.com", "old", 0))
        .await
        .expect("created");
    let old = PasswordHash::new("old".to_owned());
    let updated = repo
        .replace_password_hash(user.id, &old, &PasswordHash::new("new".to_owned()), at(10))
        .await
        .expect("query")
        .expect("swapped");
    assert_eq!(updated.password_hash.expose(), "new");
    assert_eq!((updated.created_at, updated.updated_at), (at(0), at(10)));

    let stale = repo
        .replace_password_hash(
            user.id,
            &old,
            &PasswordHash::new("other".to_owned()),
            at(20),
        )
        .await
        .expect("query");
    assert_eq!(stale, None, "a stale expected hash writes nothing");
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(
        (stored.password_hash.expose(), stored.updated_at),
        ("new", at(10))
    );
}

#[tokio::test]
async fn updated_at_moves_even_when_the_writers_clock_is_behind() {
    let (_db, repo) = setup().await;
    let user = repo
        .create(new_user("dave@example.com", "old", 100))
        .await
        .expect("created");
    let updated = repo
        .replace_password_hash(
            user.id,
            &PasswordHash::new("old".to_owned()),
            &PasswordHash::new("new".to_owned()),
            at(50),
        )
        .await
        .expect("query")
        .expect("swapped");
    assert!(
        updated.updated_at > user.updated_at,
        "{:?} vs {:?}",
        updated.updated_at,
        user.updated_at
    );
    assert!(updated.created_at <= updated.updated_at);
}

#[tokio::test]
async fn concurrent_changes_from_one_old_hash_have_exactly_one_winner() {
    let (_db, repo) = setup().await;
    let user = repo
        .create(new_user("erin@example.com", "old", 0))
        .await
        .expect("created");
    let changes = (0..20).map(|i| {
        let repo = repo.clone();
        async move {
            let new = PasswordHash::new(format!("new{i}"));
            repo.replace_password_hash(user.id, &PasswordHash::new("old".to_owned()), &new, at(1))
                .await
        }
    });
    let results = futures::future::join_all(changes).await;
    let winners: Vec<_> = results
        .into_iter()
        .map(|r| r.expect("no error"))
        .flatten()
        .collect();
    assert_eq!(winners.len(), 1);
    let stored = repo.find_by_id(user.id).await.expect("q").expect("row");
    assert_eq!(
        stored.password_hash, winners[0].password_hash,
        "the stored hash is the winner's"
    );
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable_quickly() {
    // Port 1 on loopback refuses connections; the pool must give up within its acquire timeout.
    let pool = connect_lazy(&PoolSettings {
        url: "postgres://postgres@127.0.0.1:1/none".to_owned().into(),
        max_connections: 1,
        acquire_timeout: Duration::from_millis(500),
        statement_timeout: Duration::from_secs(1),
    })
    .expect("lazy pool");
    let repo = PgUserRepository::new(pool);
    let started = std::time::Instant::now();
    let err = repo
        .find_by_id(UserId::try_new(1).expect("id"))
        .await
        .expect_err("down");
    assert!(matches!(err, RepositoryError::Unavailable(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_statement_timeout_is_unavailable_not_internal() {
    let db = TestDatabase::create().await;
    let pool = connect_lazy(&PoolSettings {
        url: db.url().into(),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(2),
        statement_timeout: Duration::from_millis(100),
    })
    .expect("lazy pool");
    let err = sqlx::query("SELECT pg_sleep(1)")
        .execute(&pool)
        .await
        .expect_err("cancelled");
    let code = err
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(
        code.as_deref(),
        Some("57014"),
        "the statement timeout applies: {err}"
    );
    pool.close().await;
}
