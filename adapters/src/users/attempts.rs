//! What both stores' `LoginAttempts` share about the failed-attempt count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use application::ports::RepositoryError;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::{FailedAttempts, LockoutPolicy, Refusal, UserId};
use tokio::time::Instant;

/// Both stores keep microseconds; an admission must return the record a later read gives.
pub(crate) fn to_micros(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}

/// A stored count as the domain's `u32`; a negative or oversized one is corruption, not a count.
pub(crate) fn failure_count(stored: impl Into<i64>) -> Result<u32, RepositoryError> {
    let stored = stored.into();
    u32::try_from(stored).map_err(|_| {
        RepositoryError::Unexpected(anyhow::anyhow!(
            "stored failure count {stored} is out of range"
        ))
    })
}

/// The domain's count as a stored one; no admission gets near the limit, but a wrap would unlock.
pub(crate) fn stored_count<T: TryFrom<u32>>(count: u32) -> Result<T, RepositoryError> {
    T::try_from(count).map_err(|_| {
        RepositoryError::Unexpected(anyhow::anyhow!(
            "failure count {count} does not fit the store"
        ))
    })
}

/// Password checks refused unmade, by why: `locked` or `busy`.
const REFUSED: &str = "password_checks_refused_total";
/// Locks that a failed check began (a lock that checks of a vanished replica begin as they expire
/// is not counted).
const LOCKOUTS: &str = "account_lockouts_total";

/// `record` resolved with a check's outcome, and whether that began a lock.
pub(crate) fn resolve(
    record: FailedAttempts,
    verified: bool,
    now: DateTime<Utc>,
    policy: &LockoutPolicy,
) -> (FailedAttempts, bool) {
    let resolved = record.resolve(verified, now, policy);
    (
        resolved,
        !record.is_locked_at(now) && resolved.is_locked_at(now),
    )
}

/// Counts a lock once the resolution that began it has been stored.
pub(crate) fn count_lockout(began: Result<bool, RepositoryError>) -> Result<(), RepositoryError> {
    if began? {
        metrics::counter!(LOCKOUTS).increment(1);
    }
    Ok(())
}

/// This process's waiters for busy accounts, queued per account: only the first asks the store, the
/// rest wait their turn in order. So a burst on one account costs the store one question per replica
/// at a time, not one per waiter, and the check that has waited longest goes next.
#[derive(Debug, Clone, Default)]
pub(crate) struct BusyAccounts {
    queues: Arc<Mutex<HashMap<UserId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl BusyAccounts {
    /// Admits with `admit`, and while the account is busy, waits in its queue and then asks again, with
    /// pauses from a few milliseconds to a twentieth of a second (a bcrypt check takes tens to hundreds),
    /// until it is not busy or `wait` would run out.
    pub(crate) async fn admit<F, Fut>(
        &self,
        id: UserId,
        wait: Duration,
        admit: F,
    ) -> Result<Result<FailedAttempts, Refusal>, RepositoryError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Result<FailedAttempts, Refusal>, RepositoryError>>,
    {
        let outcome = self.admit_waiting(id, wait, admit).await;
        if let Ok(Err(refusal)) = &outcome {
            let reason = match refusal {
                Refusal::Locked(_) => "locked",
                Refusal::Busy => "busy",
            };
            metrics::counter!(REFUSED, "reason" => reason).increment(1);
        }
        outcome
    }

    async fn admit_waiting<F, Fut>(
        &self,
        id: UserId,
        wait: Duration,
        mut admit: F,
    ) -> Result<Result<FailedAttempts, Refusal>, RepositoryError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Result<FailedAttempts, Refusal>, RepositoryError>>,
    {
        let outcome = admit().await?;
        if outcome != Err(Refusal::Busy) || wait.is_zero() {
            return Ok(outcome);
        }
        let deadline = Instant::now() + wait;
        let queue = self.queue(id);
        let outcome = match tokio::time::timeout_at(deadline, queue.lock()).await {
            Err(_) => Ok(Err(Refusal::Busy)),
            Ok(_turn) => ask_until(deadline, &mut admit).await,
        };
        self.forget_if_idle(id, queue);
        outcome
    }

    fn queue(&self, id: UserId) -> Arc<tokio::sync::Mutex<()>> {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(queues.entry(id).or_default())
    }

    fn forget_if_idle(&self, id: UserId, queue: Arc<tokio::sync::Mutex<()>>) {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        drop(queue);
        if queues.get(&id).is_some_and(|q| Arc::strong_count(q) == 1) {
            queues.remove(&id);
        }
    }
}

async fn ask_until<F, Fut>(
    deadline: Instant,
    admit: &mut F,
) -> Result<Result<FailedAttempts, Refusal>, RepositoryError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Result<FailedAttempts, Refusal>, RepositoryError>>,
{
    let mut pause = Duration::from_millis(2);
    loop {
        let outcome = admit().await?;
        if outcome != Err(Refusal::Busy) || Instant::now() + pause > deadline {
            return Ok(outcome);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}
