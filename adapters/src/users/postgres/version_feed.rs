//! The change feed that keeps every process's [`VersionCache`] current on PostgreSQL: a trigger
//! notifies `VERSION_CHANNEL` when a password version changes or a user is deleted
//! (migration `20261203000001`), and each process listens.
//!
//! The cache is trusted only while the feed is heard. Every process sends a heartbeat on the channel
//! every `HEARTBEAT`, so a live feed is heard at least that often; a lost connection withdraws trust
//! at once, and silence (a connection the network dropped without a word) after `SILENCE`.

use std::time::Duration;

use domain::UserId;
use sqlx::postgres::PgListener;
use tokio::task::JoinHandle;

use crate::postgres::{PgStore, repository_error};
use crate::users::password_versions::VersionCache;

/// The channel the trigger notifies; its payload is the user's id, `*` for all users, or empty for a
/// heartbeat.
pub const VERSION_CHANNEL: &str = "jobber_auth_password_version";

const HEARTBEAT: Duration = Duration::from_millis(500);
/// How long the cache stays trusted after the last message heard: three heartbeats.
pub const SILENCE: Duration = Duration::from_millis(1_500);
/// The first pause before listening again after the feed failed; it doubles while the failures last.
const RETRY: Duration = Duration::from_millis(250);
const MAX_RETRY: Duration = Duration::from_secs(5);

/// A run of failures to listen: one warning for the run, not one per attempt, and a growing pause, so
/// that a database that is down for minutes neither floods the log nor is asked four times a second.
struct Outage {
    pause: Duration,
    reported: bool,
}

impl Outage {
    fn new() -> Self {
        Self {
            pause: RETRY,
            reported: false,
        }
    }

    async fn wait(&mut self, reason: &(dyn std::fmt::Display + Sync)) {
        if self.reported {
            tracing::debug!(%reason, "password version feed: still not listening");
        } else {
            tracing::warn!(%reason, "password version feed: not listening; guards read the store until it is back");
            self.reported = true;
        }
        tokio::time::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(MAX_RETRY);
    }
}

/// Starts listening and beating. Both tasks end when the store is closed.
pub fn spawn_version_feed(store: PgStore, cache: VersionCache) -> (JoinHandle<()>, JoinHandle<()>) {
    let listening = tokio::spawn(listen(store.clone(), cache));
    let beating = tokio::spawn(beat(store));
    (listening, beating)
}

async fn listen(store: PgStore, cache: VersionCache) {
    let mut listened_before = false;
    let mut outage = Outage::new();
    while !store.is_closed() {
        let mut listener = match listening(&store).await {
            Ok(listener) => listener,
            Err(reason) => {
                cache.distrust();
                if !store.is_closed() {
                    outage.wait(&reason).await;
                }
                continue;
            }
        };
        loop {
            match tokio::time::timeout(SILENCE, listener.try_recv()).await {
                Ok(Ok(Some(notification))) => {
                    if apply(&cache, notification.payload()) {
                        let again = if listened_before { " again" } else { "" };
                        tracing::info!(
                            "password version feed: listening{again}; guards answer from memory"
                        );
                        listened_before = true;
                        outage = Outage::new();
                    }
                }
                Ok(Ok(None)) => {
                    // Lost. Listening again starts over, pause included: a connection that fails at
                    // once each time must not spin.
                    cache.distrust();
                    outage.wait(&"connection lost").await;
                    break;
                }
                Ok(Err(error)) => {
                    cache.distrust();
                    if !store.is_closed() {
                        outage.wait(&error).await;
                    }
                    break;
                }
                Err(_silent) => {
                    cache.distrust();
                    tracing::warn!(
                        silence = ?SILENCE,
                        "password version feed: nothing heard; guards read the store until it is back"
                    );
                    break;
                }
            }
        }
    }
}

/// A listener, once the trigger that feeds it is known to exist: without it (migrations not yet
/// applied, as with `AUTH_RUN_MIGRATIONS=false` before `auth migrate`), the heartbeats alone would make
/// the cache trusted while no change was ever announced.
async fn listening(store: &PgStore) -> Result<PgListener, String> {
    let listener = store
        .listen(VERSION_CHANNEL)
        .await
        .map_err(|e| e.to_string())?;
    let triggered: bool = store
        .call(|pool| async move {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_trigger \
                 WHERE tgname = 'users_password_version_changed' AND tgrelid = to_regclass('users'))",
            )
            .fetch_one(pool)
            .await
            .map_err(repository_error)
        })
        .await
        .map_err(|e| anyhow::Error::from(e).to_string())?;
    if triggered {
        Ok(listener)
    } else {
        Err("the trigger of migration 20261203000001 is missing: apply the migrations (`auth migrate`)".to_owned())
    }
}

/// What one notification means for the cache. Any message, a heartbeat included, proves the feed is
/// listening; it is applied before trust is renewed, so that a change is never trusted away. Returns
/// whether trust came back with it.
fn apply(cache: &VersionCache, payload: &str) -> bool {
    match payload {
        "" => {}
        "*" => cache.forget_all(),
        id => match id.parse().ok().and_then(|n| UserId::try_new(n).ok()) {
            Some(id) => cache.forget(id),
            // Not ours to read: drop everything rather than guess.
            None => cache.forget_all(),
        },
    }
    cache.heard()
}

async fn beat(store: PgStore) {
    let mut ticks = tokio::time::interval(HEARTBEAT);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !store.is_closed() {
        ticks.tick().await;
        let sent = store
            .call(|pool| async move {
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(VERSION_CHANNEL)
                    .execute(pool)
                    .await
                    .map_err(repository_error)
            })
            .await;
        if let Err(error) = sent {
            // The listener hears the silence; this is only why.
            tracing::debug!(error = %anyhow::Error::from(error), "password version heartbeat not sent");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::password_versions::Lookup;

    fn id(n: i64) -> UserId {
        UserId::try_new(n).expect("id")
    }

    fn filled(cache: &VersionCache, n: i64) {
        let _ = cache.heard();
        match cache.lookup(id(n)) {
            Lookup::Miss(Some(ticket)) => cache.fill(id(n), 1, ticket),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_notification_forgets_its_user_alone_and_a_heartbeat_forgets_nothing() {
        let cache = VersionCache::fed(SILENCE);
        filled(&cache, 1);
        filled(&cache, 2);
        assert!(!apply(&cache, ""), "trust was there already");
        assert_eq!(cache.len(), 2);
        assert!(!apply(&cache, "1"));
        assert_eq!(cache.lookup(id(2)), Lookup::Hit(1));
        assert!(matches!(cache.lookup(id(1)), Lookup::Miss(Some(_))));
    }

    #[test]
    fn a_truncation_or_a_payload_it_cannot_read_forgets_everyone() {
        for payload in ["*", "x", "-3", "0"] {
            let cache = VersionCache::fed(SILENCE);
            filled(&cache, 1);
            assert!(!apply(&cache, payload));
            assert!(cache.is_empty(), "{payload}");
        }
    }
}
