//! The change feed on a real PostgreSQL: the trigger of migration `20261203000001` and the listener of
//! `users/postgres/version_feed.rs`. What each process remembers must be forgotten when another
//! process changes a password or deletes a user, and must not be when a hash is only rehashed.

use std::time::{Duration, Instant};

use adapters::postgres::testing::TestDatabase;
use adapters::users::password_versions::{CachedPasswordVersions, Lookup, VersionCache};
use adapters::users::postgres::{PgUserRepository, SILENCE, spawn_version_feed};
use application::users::ports::{NewUser, PasswordVersions, UserRepository};
use chrono::Utc;
use domain::{Email, PasswordHash, User, UserId};

struct Replica {
    cache: VersionCache,
    versions: CachedPasswordVersions<PgUserRepository>,
}

/// A process's cache and feed on `db`, once the feed has been heard.
async fn replica(db: &TestDatabase) -> Replica {
    let cache = VersionCache::fed(SILENCE);
    spawn_version_feed(db.store(), cache.clone());
    let probe = UserId::try_new(i64::MAX).expect("id");
    let deadline = Instant::now() + Duration::from_secs(10);
    while cache.lookup(probe) == Lookup::Miss(None) {
        assert!(
            Instant::now() < deadline,
            "the feed was not heard within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Replica {
        versions: CachedPasswordVersions::new(PgUserRepository::new(db.store()), cache.clone()),
        cache,
    }
}

async fn user(repository: &PgUserRepository, email: &str) -> User {
    repository
        .create(NewUser {
            email: Email::parse(email).expect("email"),
            password_hash: PasswordHash::new("h1".to_owned()),
            created_at: Utc::now(),
        })
        .await
        .expect("created")
}

/// Reads the user's version through the cache, and checks it is now remembered.
async fn remembered(replica: &Replica, user: &User) {
    let version = replica.versions.current(user.id).await.expect("read");
    assert_eq!(version, Some(user.password_version));
    assert_eq!(
        replica.cache.lookup(user.id),
        Lookup::Hit(user.password_version)
    );
}

/// How long until `replica` no longer remembers `id`; fails after a second.
async fn forgotten_within(replica: &Replica, id: UserId) -> Duration {
    let started = Instant::now();
    while let Lookup::Hit(_) = replica.cache.lookup(id) {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "still remembered a second after the change"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn a_password_changed_elsewhere_is_forgotten_and_a_rehash_is_not() {
    let db = TestDatabase::create().await;
    let elsewhere = PgUserRepository::new(db.store());
    let replica = replica(&db).await;
    let changed = user(&elsewhere, "changed@example.com").await;
    let rehashed = user(&elsewhere, "rehashed@example.com").await;
    remembered(&replica, &changed).await;
    remembered(&replica, &rehashed).await;

    let old = PasswordHash::new("h1".to_owned());
    let rehash = PasswordHash::new("h1-at-a-new-cost".to_owned());
    assert!(
        elsewhere
            .rehash_password(rehashed.id, &old, &rehash)
            .await
            .expect("rehashed")
    );
    let new = PasswordHash::new("h2".to_owned());
    elsewhere
        .replace_password_hash(changed.id, &old, &new, Utc::now())
        .await
        .expect("changed")
        .expect("it was the stored hash");
    let took = forgotten_within(&replica, changed.id).await;
    assert!(
        took < Duration::from_millis(100),
        "forgotten after {took:?}"
    );
    // The rehash was committed before the change, so its notification, had there been one, came first.
    assert_eq!(
        replica.cache.lookup(rehashed.id),
        Lookup::Hit(rehashed.password_version),
        "a rehash must invalidate nothing"
    );
    assert_eq!(
        replica.versions.current(changed.id).await.expect("read"),
        Some(changed.password_version + 1)
    );
}

#[tokio::test]
async fn a_deleted_user_and_an_emptied_table_are_forgotten() {
    let db = TestDatabase::create().await;
    let elsewhere = PgUserRepository::new(db.store());
    let replica = replica(&db).await;
    let deleted = user(&elsewhere, "deleted@example.com").await;
    let kept = user(&elsewhere, "kept@example.com").await;
    remembered(&replica, &deleted).await;
    remembered(&replica, &kept).await;

    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(deleted.id.get())
        .execute(&db.pool)
        .await
        .expect("deleted");
    forgotten_within(&replica, deleted.id).await;
    assert_eq!(
        replica.versions.current(deleted.id).await.expect("read"),
        None
    );
    assert_eq!(
        replica.cache.lookup(kept.id),
        Lookup::Hit(kept.password_version)
    );

    sqlx::query("TRUNCATE users CASCADE")
        .execute(&db.pool)
        .await
        .expect("emptied");
    forgotten_within(&replica, kept.id).await;
}

/// Heartbeats alone must not make the memory trusted: without the trigger no change would ever be
/// announced (a database whose migrations were not applied yet).
#[tokio::test]
async fn without_the_trigger_the_feed_is_never_trusted() {
    let db = TestDatabase::create().await;
    sqlx::query("DROP TRIGGER users_password_version_changed ON users")
        .execute(&db.pool)
        .await
        .expect("dropped");
    let cache = VersionCache::fed(SILENCE);
    spawn_version_feed(db.store(), cache.clone());
    let probe = UserId::try_new(1).expect("id");
    // Several heartbeats long.
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        assert_eq!(
            cache.lookup(probe),
            Lookup::Miss(None),
            "trusted without the trigger"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
