//! The cache in front of the store, with the store mocked: the mock's call counts are the assertions.

use std::time::Duration;

use application::users::ports::{MockPasswordVersions, MockUserRepository};
use chrono::Utc;

use super::*;

fn id(n: i64) -> UserId {
    UserId::try_new(n).expect("id")
}

/// A store that answers `version` for every user, exactly `times` times.
fn store_answering(version: Option<i64>, times: usize) -> MockPasswordVersions {
    let mut store = MockPasswordVersions::new();
    store
        .expect_current()
        .times(times)
        .returning(move |_| Ok(version));
    store
}

fn user(n: i64) -> User {
    User {
        id: id(n),
        email: Email::parse("a@b.co").expect("email"),
        password_hash: PasswordHash::new("h".to_owned()),
        password_version: 2,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[tokio::test]
async fn a_version_read_once_is_answered_from_memory() {
    let versions =
        CachedPasswordVersions::new(store_answering(Some(4), 1), VersionCache::in_process());
    for _ in 0..3 {
        assert_eq!(versions.current(id(1)).await.expect("read"), Some(4));
    }
}

#[tokio::test]
async fn a_user_who_is_gone_is_asked_for_every_time() {
    let versions =
        CachedPasswordVersions::new(store_answering(None, 2), VersionCache::in_process());
    assert_eq!(versions.current(id(1)).await.expect("read"), None);
    assert_eq!(versions.current(id(1)).await.expect("read"), None);
}

#[tokio::test]
async fn an_untrusted_cache_asks_the_store_every_time() {
    // A fed cache whose feed was never heard.
    let cache = VersionCache::fed(Duration::from_secs(60));
    let versions = CachedPasswordVersions::new(store_answering(Some(4), 3), cache);
    for _ in 0..3 {
        assert_eq!(versions.current(id(1)).await.expect("read"), Some(4));
    }
}

#[tokio::test]
async fn a_store_that_fails_fails_the_lookup_and_fills_nothing() {
    let mut store = MockPasswordVersions::new();
    store
        .expect_current()
        .returning(|_| Err(RepositoryError::Unavailable(anyhow::anyhow!("down"))));
    let cache = VersionCache::in_process();
    let versions = CachedPasswordVersions::new(store, cache.clone());
    let outcome = versions.current(id(1)).await;
    assert!(
        matches!(outcome, Err(RepositoryError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(cache.is_empty());
}

#[tokio::test]
async fn a_password_change_on_this_process_is_forgotten_before_it_is_answered() {
    let cache = VersionCache::in_process();
    let versions = CachedPasswordVersions::new(store_answering(Some(2), 2), cache.clone());
    let mut inner = MockUserRepository::new();
    inner
        .expect_replace_password_hash()
        .times(1)
        .returning(|n, _, _, _| Ok(Some(user(n.get()))));
    let repository = ForgetOnChange::new(inner, cache);
    versions.current(id(1)).await.expect("read");
    let hash = PasswordHash::new("h".to_owned());
    repository
        .replace_password_hash(id(1), &hash, &hash, Utc::now())
        .await
        .expect("changed");
    // The second store read (times(2)) is the proof that the change was forgotten.
    versions.current(id(1)).await.expect("read");
}

#[tokio::test]
async fn a_rehash_forgets_nothing() {
    let cache = VersionCache::in_process();
    let versions = CachedPasswordVersions::new(store_answering(Some(2), 1), cache.clone());
    let mut inner = MockUserRepository::new();
    inner
        .expect_rehash_password()
        .times(1)
        .returning(|_, _, _| Ok(true));
    let repository = ForgetOnChange::new(inner, cache);
    versions.current(id(1)).await.expect("read");
    let hash = PasswordHash::new("h".to_owned());
    assert!(
        repository
            .rehash_password(id(1), &hash, &hash)
            .await
            .expect("rehashed")
    );
    versions.current(id(1)).await.expect("read");
}

#[tokio::test]
async fn a_password_write_that_fails_keeps_the_cache_out_of_use() {
    let cache = VersionCache::in_process();
    // Read once before the failed write, and twice after it: nothing is remembered meanwhile.
    let versions = CachedPasswordVersions::new(store_answering(Some(2), 3), cache.clone());
    let mut inner = MockUserRepository::new();
    inner
        .expect_replace_password_hash()
        .returning(|_, _, _, _| Err(RepositoryError::Unavailable(anyhow::anyhow!("timed out"))));
    let repository = ForgetOnChange::new(inner, cache);
    versions.current(id(1)).await.expect("read");
    let hash = PasswordHash::new("h".to_owned());
    assert!(
        repository
            .replace_password_hash(id(1), &hash, &hash, Utc::now())
            .await
            .is_err()
    );
    versions.current(id(1)).await.expect("read");
    versions.current(id(1)).await.expect("read");
}
