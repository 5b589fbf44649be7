//! Each user's password version, remembered in this process, and trusted only while something keeps it
//! current: the store's change feed on PostgreSQL, or this process alone on the embedded store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use domain::UserId;

/// More users than this and the cache starts over: a bound on memory, not a working-set policy. At
/// this size it holds a few MiB.
const MAX_ENTRIES: usize = 100_000;

/// A shared handle; clones see the same versions.
#[derive(Debug, Clone)]
pub struct VersionCache(Arc<Mutex<State>>);

#[derive(Debug)]
struct State {
    versions: HashMap<UserId, i64>,
    /// Moves on every change heard and every loss of trust. A lookup that read the store before a move
    /// does not fill the cache after it: what it read may be what the change replaced.
    epoch: u64,
    /// Until when what is cached may be used: extended by every message the feed hears, reset when the
    /// feed is lost. `None`: forever (nothing else writes the store).
    trusted_until: Option<Instant>,
    /// How long one message from the feed extends trust.
    grace: Duration,
    /// Nothing is used or filled before this, whatever the feed says: see [`VersionCache::quiet_for`].
    quiet_until: Option<Instant>,
}

/// What a lookup found: a version to use, or a ticket to fill the cache with what the store says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Hit(i64),
    /// The cache's epoch when the lookup began; `None` when the cache is not trusted, and is not
    /// to be filled.
    Miss(Option<u64>),
}

impl VersionCache {
    /// For a store only this process writes: every change goes through [`Self::forget`] here.
    pub fn in_process() -> Self {
        Self::with_trust(None, Duration::ZERO)
    }

    /// For a store other processes write too: untrusted until the feed is heard, and for `grace` after
    /// each message it hears ([`Self::heard`]).
    pub fn fed(grace: Duration) -> Self {
        Self::with_trust(Some(Instant::now()), grace)
    }

    fn with_trust(trusted_until: Option<Instant>, grace: Duration) -> Self {
        Self(Arc::new(Mutex::new(State {
            versions: HashMap::new(),
            epoch: 0,
            trusted_until,
            grace,
            quiet_until: None,
        })))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is whole after any panic (every change is one assignment), so a poisoned lock
        // is still good.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn lookup(&self, id: UserId) -> Lookup {
        let state = self.state();
        if !state.is_trusted(Instant::now()) {
            return Lookup::Miss(None);
        }
        state
            .versions
            .get(&id)
            .map_or(Lookup::Miss(Some(state.epoch)), |&v| Lookup::Hit(v))
    }

    /// Remembers what the store said, unless anything was heard or lost since the lookup began.
    pub fn fill(&self, id: UserId, version: i64, ticket: u64) {
        let mut state = self.state();
        if state.epoch != ticket || !state.is_trusted(Instant::now()) {
            return;
        }
        if state.versions.len() >= MAX_ENTRIES {
            state.versions.clear();
        }
        state.versions.insert(id, version);
    }

    /// The user's password changed, or the user is gone.
    pub fn forget(&self, id: UserId) {
        let mut state = self.state();
        state.epoch += 1;
        state.versions.remove(&id);
    }

    /// Everything may have changed (the table was emptied).
    pub fn forget_all(&self) {
        let mut state = self.state();
        state.epoch += 1;
        state.versions.clear();
    }

    /// The feed was heard: it is listening now. After a loss, what was cached may have changed unheard,
    /// so it is dropped before trust comes back. Returns whether trust came back with this message.
    pub fn heard(&self) -> bool {
        let mut state = self.state();
        let now = Instant::now();
        let regained = !state.is_trusted(now);
        if regained {
            state.epoch += 1;
            state.versions.clear();
        }
        if state.trusted_until.is_some() {
            state.trusted_until = Some(now + state.grace);
        }
        regained
    }

    /// The feed is lost: changes may go unheard until it is back.
    pub fn distrust(&self) {
        let mut state = self.state();
        if state.trusted_until.is_some() {
            state.epoch += 1;
            state.versions.clear();
            state.trusted_until = Some(Instant::now());
        }
    }

    /// A password write failed, and may still commit later (a statement whose call timed out can
    /// finish on the server or on SQLite's worker thread): what a lookup reads meanwhile may be the
    /// version it replaces. Forgets everything, and fills nothing for `span`.
    pub fn quiet_for(&self, span: Duration) {
        let mut state = self.state();
        state.epoch += 1;
        state.versions.clear();
        state.quiet_until = Some(Instant::now() + span);
    }

    pub fn len(&self) -> usize {
        self.state().versions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl State {
    fn is_trusted(&self, now: Instant) -> bool {
        self.trusted_until.is_none_or(|until| now < until)
            && self.quiet_until.is_none_or(|until| now >= until)
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
