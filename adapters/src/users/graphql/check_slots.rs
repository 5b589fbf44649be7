//! The places for password checks in flight, shared fairly between clients.
//!
//! A free place goes to whoever asks. When none is free a check waits, bounded in time and in number,
//! and each place that frees goes to the waiting client with the fewest checks in flight, oldest
//! first among equals. So a lone client may use every place, but a client that floods them cannot
//! keep another client's check waiting behind its whole queue: the other client's check is next.
//! The waiting places are shared the same way: when they are full, a newcomer takes the place of
//! the newest waiter of a client with a longer queue than its own would be.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

/// Who a place is counted against. IPv6 clients are counted by their /64, the block one host or
/// one home is usually given, so that one client cannot pass for many by changing the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct ClientKey(IpAddr);

impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V6(prefix) => write!(f, "{prefix}/64"),
            v4 => v4.fmt(f),
        }
    }
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !(u128::MAX >> 64);
                Self(IpAddr::V6(prefix.into()))
            }
            v4 => Self(v4),
        }
    }
}

pub(super) struct CheckSlots {
    state: Arc<Mutex<State>>,
    wait: Duration,
}

struct State {
    free: usize,
    waiting: usize,
    max_waiting: usize,
    next_ticket: u64,
    clients: HashMap<ClientKey, Client>,
}

#[derive(Default)]
struct Client {
    in_flight: usize,
    queue: VecDeque<Waiter>,
}

struct Waiter {
    ticket: u64,
    /// Sending hands the waiter a place, counted for it already; dropping it unsent refuses it.
    grant: oneshot::Sender<()>,
}

/// A place in flight; dropping it hands the place on.
pub(super) struct Slot {
    state: Arc<Mutex<State>>,
    client: ClientKey,
}

impl CheckSlots {
    /// `in_flight` places, with `max_waiting` checks allowed to wait up to `wait` for one.
    pub(super) fn new(in_flight: usize, max_waiting: usize, wait: Duration) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                free: in_flight,
                waiting: 0,
                max_waiting,
                next_ticket: 0,
                clients: HashMap::new(),
            })),
            wait,
        }
    }

    /// A place for `client`, at once or within the wait; `None` when none came in time, or when the
    /// waiting places are full and this client already has the longest queue.
    pub(super) async fn acquire(&self, client: ClientKey) -> Option<Slot> {
        let (ticket, granted) = {
            let mut state = lock(&self.state);
            if state.free > 0 {
                state.free -= 1;
                state.clients.entry(client).or_default().in_flight += 1;
                return Some(self.slot(client));
            }
            if self.wait.is_zero() || !state.make_room_for(client) {
                return None;
            }
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            let (grant, granted) = oneshot::channel();
            state
                .clients
                .entry(client)
                .or_default()
                .queue
                .push_back(Waiter { ticket, grant });
            state.waiting += 1;
            (ticket, granted)
        };
        let mut queued = Queued {
            slots: self,
            client,
            ticket,
            granted,
        };
        match tokio::time::timeout(self.wait, &mut queued.granted).await {
            Ok(Ok(())) => {
                queued.ticket = u64::MAX;
                Some(self.slot(client))
            }
            // Evicted for another client's check, or the wait is over.
            Ok(Err(_)) | Err(_) => None,
        }
    }

    fn slot(&self, client: ClientKey) -> Slot {
        Slot {
            state: Arc::clone(&self.state),
            client,
        }
    }
}

impl State {
    /// Whether `client` may wait: there is a waiting place, or one can be taken from the newest waiter
    /// of a client whose queue is longer than this client's would be.
    fn make_room_for(&mut self, client: ClientKey) -> bool {
        if self.waiting < self.max_waiting {
            return true;
        }
        let own = self.clients.get(&client).map_or(0, |c| c.queue.len());
        let longest = self
            .clients
            .iter_mut()
            .filter(|(key, _)| **key != client)
            .max_by_key(|(_, c)| c.queue.len())
            .map(|(_, c)| c);
        match longest {
            Some(other) if other.queue.len() > own + 1 => {
                // Dropping its sender tells the evicted waiter it is refused.
                other.queue.pop_back();
                self.waiting -= 1;
                true
            }
            _ => false,
        }
    }

    /// Gives a freed place to the waiting client with the fewest in flight, or keeps it free.
    fn hand_on(&mut self) {
        loop {
            let next = self
                .clients
                .iter()
                .filter_map(|(key, c)| c.queue.front().map(|w| (c.in_flight, w.ticket, *key)))
                .min();
            let Some((_, _, key)) = next else {
                self.free += 1;
                return;
            };
            let client = self.clients.get_mut(&key).expect("just found");
            let waiter = client.queue.pop_front().expect("just found");
            self.waiting -= 1;
            if waiter.grant.send(()).is_ok() {
                client.in_flight += 1;
                return;
            }
            // Its request was dropped while waiting; the next one gets the place.
            self.forget_if_idle(key);
        }
    }

    fn forget_if_idle(&mut self, key: ClientKey) {
        if self
            .clients
            .get(&key)
            .is_some_and(|c| c.in_flight == 0 && c.queue.is_empty())
        {
            self.clients.remove(&key);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        if let Some(client) = state.clients.get_mut(&self.client) {
            client.in_flight -= 1;
        }
        state.forget_if_idle(self.client);
        state.hand_on();
    }
}

/// A check waiting for a place. However the wait ends (a timeout, or the request dropped), its place
/// in the queue goes; a place granted in the same instant is handed on rather than lost.
struct Queued<'a> {
    slots: &'a CheckSlots,
    client: ClientKey,
    /// `u64::MAX` once the place was taken as a [`Slot`].
    ticket: u64,
    granted: oneshot::Receiver<()>,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if self.ticket == u64::MAX {
            return;
        }
        let mut state = lock(&self.slots.state);
        let ticket = self.ticket;
        let removed = state.clients.get_mut(&self.client).is_some_and(|c| {
            let before = c.queue.len();
            c.queue.retain(|w| w.ticket != ticket);
            c.queue.len() < before
        });
        if removed {
            state.waiting -= 1;
            state.forget_if_idle(self.client);
            return;
        }
        // Not in the queue: evicted, or granted a place it will not use.
        if self.granted.try_recv().is_ok() {
            if let Some(client) = state.clients.get_mut(&self.client) {
                client.in_flight -= 1;
            }
            state.forget_if_idle(self.client);
            state.hand_on();
        }
    }
}

/// The state stays consistent at every await, so a panic elsewhere leaves nothing half-done.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
#[path = "check_slots_tests.rs"]
mod tests;
