//! What only the embedded SQLite store promises: it creates its file, keeps data across restarts, and
//! takes concurrent writers, including a second process on the same file, without "database is locked".

use adapters::sqlite::SqliteStore;
use adapters::sqlite::testing::TestSqlite;
use adapters::users::sqlite::SqliteUserRepository;
use application::users::ports::{NewUser, UserRepository};
use chrono::Utc;
use domain::{Email, PageSize, PasswordHash};
use futures::future::join_all;

fn new_user(address: &str) -> NewUser {
    NewUser {
        email: Email::parse(address).expect("valid"),
        password_hash: PasswordHash::new("h".to_owned()),
        created_at: Utc::now(),
    }
}

async fn open(path: std::path::PathBuf) -> SqliteStore {
    let store = SqliteStore::open(&TestSqlite::settings_in(path))
        .await
        .expect("opens");
    store.migrate().await.expect("migrates");
    store
}

#[tokio::test]
async fn the_file_and_its_directory_are_created_and_data_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/data/auth.db");
    let store = open(path.clone()).await;
    let created = SqliteUserRepository::new(store.clone())
        .create(new_user("keep@example.com"))
        .await
        .expect("created");
    store.close().await;
    assert!(
        path.is_file(),
        "the database file exists at {}",
        path.display()
    );

    let reopened = open(path).await;
    let found = SqliteUserRepository::new(reopened.clone())
        .find_by_id(created.id)
        .await
        .expect("query");
    assert_eq!(found, Some(created), "the user outlived the restart");
    reopened.close().await;
}

#[tokio::test]
async fn the_database_runs_in_wal_mode() {
    let db = TestSqlite::create().await;
    let store = open(db.path()).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(
            &sqlx::SqlitePool::connect_with(
                sqlx::sqlite::SqliteConnectOptions::new().filename(db.path()),
            )
            .await
            .expect("a plain connection"),
        )
        .await
        .expect("pragma");
    assert_eq!(
        mode, "wal",
        "WAL is persistent in the file, so any connection sees it"
    );
    store.close().await;
}

#[tokio::test]
async fn two_processes_writing_one_file_at_once_both_succeed() {
    // Two stores on one file behave like two service processes: each has its own write connection, so
    // their writes meet at SQLite's file lock, where the busy timeout must make them wait, not fail.
    let db = TestSqlite::create().await;
    let second = open(db.path()).await;
    let repos = [
        SqliteUserRepository::new(db.store.clone()),
        SqliteUserRepository::new(second.clone()),
    ];
    let writes = (0..200).map(|i| {
        let repo = repos[i % 2].clone();
        async move { repo.create(new_user(&format!("w{i}@example.com"))).await }
    });
    let results = join_all(writes).await;
    let failures: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(failures.is_empty(), "writes failed: {failures:?}");
    let stored = repos[0]
        .list(None, PageSize::try_new(1000).expect("size"))
        .await
        .expect("list");
    assert_eq!(stored.len(), 200);
    second.close().await;
}
