//! Failed password checks per client, on this replica, by the rule in [`domain::ClientFailures`].
//!
//! Each replica counts what it sees: behind a load balancer that spreads one client over `n` replicas,
//! that client gets up to `n` times the limit. The per-account lockout, kept in the database, is the
//! bound that holds across replicas; this one catches spraying, which that bound cannot see.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use domain::{ClientFailurePolicy, ClientFailures};

use super::check_slots::ClientKey;

/// Enough for every client of a busy service at once; past it, records that say nothing any more are
/// dropped, and if none can be, a new client goes uncounted rather than growing the map without bound.
const MAX_CLIENTS: usize = 100_000;

pub(super) struct FailuresByClient {
    policy: ClientFailurePolicy,
    clients: Mutex<HashMap<ClientKey, ClientFailures>>,
}

impl FailuresByClient {
    pub(super) fn new(policy: ClientFailurePolicy) -> Self {
        Self {
            policy,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Until when `client`'s checks are refused, if they are now.
    pub(super) fn refused_until(&self, client: ClientKey) -> Option<Instant> {
        let now = Instant::now();
        self.lock().get(&client)?.refused_until(now)
    }

    pub(super) fn record_failure(&self, client: ClientKey) {
        let now = Instant::now();
        let mut clients = self.lock();
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&client) {
            clients.retain(|_, record| !record.is_spent(now, &self.policy));
            if clients.len() >= MAX_CLIENTS {
                tracing::warn!(
                    "failed password checks are being counted for {MAX_CLIENTS} clients; this one goes uncounted"
                );
                return;
            }
        }
        let record = clients
            .entry(client)
            .or_insert_with(|| ClientFailures::new(now));
        if record.record_failure(now, &self.policy).is_some() {
            tracing::warn!(
                %client,
                limit = self.policy.limit(),
                window_s = self.policy.window().as_secs(),
                refused_s = self.policy.block().as_secs(),
                "a client passed the limit of failed password checks; refusing its checks for a while"
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ClientKey, ClientFailures>> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_client_past_the_limit_is_refused_and_others_are_not() {
        let policy =
            ClientFailurePolicy::try_new(2, Duration::from_secs(600), Duration::from_secs(60))
                .expect("valid");
        let failures = FailuresByClient::new(policy);
        let sprayer = ClientKey::from(IpAddr::from([198, 51, 100, 1]));
        let other = ClientKey::from(IpAddr::from([198, 51, 100, 2]));
        failures.record_failure(sprayer);
        failures.record_failure(sprayer);
        assert!(failures.refused_until(sprayer).is_none(), "at the limit");
        failures.record_failure(sprayer);
        assert!(failures.refused_until(sprayer).is_some(), "past it");
        assert!(failures.refused_until(other).is_none());
    }
}
