//! What only the PostgreSQL adapter promises: failing fast when the server is away and a server-side
//! statement timeout. The behaviour both stores share is in `user_repository_contract.rs`.

use std::time::Duration;

use adapters::postgres::testing::TestDatabase;
use adapters::postgres::{PoolSettings, connect_lazy, repository_error};
use adapters::users::postgres::PgUserRepository;
use application::ports::RepositoryError;
use application::users::ports::UserRepository;
use domain::UserId;

#[tokio::test]
async fn an_unreachable_database_is_unavailable_quickly() {
    // Port 1 on loopback refuses connections; the pool must give up within its acquire timeout.
    let pool = connect_lazy(&PoolSettings {
        url: "postgres://postgres@127.0.0.1:1/none".to_owned().into(),
        application_name: "test".to_owned(),
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
    let store = connect_lazy(&PoolSettings {
        url: db.url().into(),
        application_name: "test".to_owned(),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(2),
        statement_timeout: Duration::from_millis(100),
    })
    .expect("lazy pool");
    let outcome: Result<_, RepositoryError> = store
        .call(|pool| async move {
            sqlx::query("SELECT pg_sleep(1)")
                .execute(pool)
                .await
                .map_err(repository_error)
        })
        .await;
    let Err(RepositoryError::Unavailable(err)) = outcome else {
        panic!("expected unavailable, got {outcome:?}");
    };
    let code = err
        .downcast_ref::<sqlx::Error>()
        .and_then(|e| e.as_database_error())
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(
        code.as_deref(),
        Some("57014"),
        "the server's statement timeout ended it, not the call's deadline: {err:#}"
    );
    store.close().await;
}
