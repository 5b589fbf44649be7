//! Temporary lockout after repeated failed password checks.
//!
//! Locks grow and are capped, and none is permanent: a permanent lock would let anyone who knows an
//! email lock its owner out for good.

use chrono::{DateTime, TimeDelta, Utc};

/// After `threshold` consecutive failures an account locks for `base`, doubling with each further
/// failure up to `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    threshold: u32,
    base: TimeDelta,
    cap: TimeDelta,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockoutPolicyError {
    #[error("the failure threshold must be at least 1")]
    ZeroThreshold,
    #[error("the base lock must be positive and no longer than the cap")]
    BadDurations,
}

impl LockoutPolicy {
    /// # Errors
    /// A zero threshold, a non-positive base, or a base longer than the cap.
    pub fn try_new(
        threshold: u32,
        base: TimeDelta,
        cap: TimeDelta,
    ) -> Result<Self, LockoutPolicyError> {
        if threshold == 0 {
            return Err(LockoutPolicyError::ZeroThreshold);
        }
        if base <= TimeDelta::zero() || base > cap {
            return Err(LockoutPolicyError::BadDurations);
        }
        Ok(Self {
            threshold,
            base,
            cap,
        })
    }

    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// How long the account locks after its `failures`-th consecutive failure, if at all.
    pub fn lock_for(&self, failures: u32) -> Option<TimeDelta> {
        let beyond = failures.checked_sub(self.threshold)?;
        // Past 2^30 the product exceeds any sane cap; stopping there keeps the arithmetic in range.
        let factor = 1_i32 << beyond.min(30);
        Some(
            self.base
                .checked_mul(factor)
                .map_or(self.cap, |d| d.min(self.cap)),
        )
    }
}

impl Default for LockoutPolicy {
    /// Five failures, then 30 s, doubling up to 15 min.
    fn default() -> Self {
        Self {
            threshold: 5,
            base: TimeDelta::seconds(30),
            cap: TimeDelta::minutes(15),
        }
    }
}

/// How long a check may stay unresolved before it is taken for a failure: a replica that died
/// between admitting a check and resolving it must not hold the account's place for ever, and the
/// guess it may have made must still count.
pub const UNRESOLVED_CHECK_EXPIRY: TimeDelta = TimeDelta::seconds(60);

/// An account's record of consecutive failed password checks, and of the checks admitted but not yet
/// resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailedAttempts {
    pub count: u32,
    pub locked_until: Option<DateTime<Utc>>,
    /// Checks admitted and still running: each is a guess whose outcome is not known yet.
    pub in_flight: u32,
    /// When the checks in flight are taken for failures, if they are still unresolved then.
    pub in_flight_until: Option<DateTime<Utc>>,
}

/// A password check refused, unmade, because the account is locked until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockedUntil(pub DateTime<Utc>);

/// Why a check was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The account is locked until then.
    Locked(LockedUntil),
    /// The threshold's worth of guesses is in flight: wait for them to resolve and ask again.
    Busy,
}

impl FailedAttempts {
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// Admits one password check at `now`, or refuses it.
    ///
    /// Failures plus checks in flight never pass the threshold (after a lock ends, one check at a
    /// time), so however checks race, no more guesses run than the threshold allows, and the one that
    /// fails at the threshold locks the account before any other is admitted. A check that finds the
    /// place taken by checks in flight is told to wait ([`Refusal::Busy`]) rather than refused as
    /// wrong: if one of them succeeds, the count clears and it can go ahead. A refused check changes
    /// nothing, so trying during a lock does not prolong it.
    ///
    /// # Errors
    /// [`Refusal::Locked`] while the account is locked at `now`; [`Refusal::Busy`] while the threshold
    /// is taken by checks in flight.
    pub fn admit(self, now: DateTime<Utc>, policy: &LockoutPolicy) -> Result<Self, Refusal> {
        let settled = self.expire_unresolved(now, policy);
        if let Some(until) = settled.locked_until
            && now < until
        {
            return Err(Refusal::Locked(LockedUntil(until)));
        }
        if settled.in_flight > 0
            && settled.count.saturating_add(settled.in_flight) >= policy.threshold
        {
            return Err(Refusal::Busy);
        }
        Ok(Self {
            in_flight: settled.in_flight.saturating_add(1),
            in_flight_until: Some(later(now, UNRESOLVED_CHECK_EXPIRY)),
            ..settled
        })
    }

    /// Resolves one admitted check at `now`: a success clears the failures and the lock, a failure
    /// counts and locks the account once it reaches the threshold. Other checks stay in flight.
    #[must_use]
    pub fn resolve(self, verified: bool, now: DateTime<Utc>, policy: &LockoutPolicy) -> Self {
        let in_flight = self.in_flight.saturating_sub(1);
        let in_flight_until = if in_flight == 0 {
            None
        } else {
            self.in_flight_until
        };
        if verified {
            return Self {
                count: 0,
                locked_until: None,
                in_flight,
                in_flight_until,
            };
        }
        Self {
            in_flight,
            in_flight_until,
            ..self.fail(1, now, policy)
        }
    }

    /// Checks left unresolved past their expiry count as failures: the replica that ran them is gone.
    fn expire_unresolved(self, now: DateTime<Utc>, policy: &LockoutPolicy) -> Self {
        match self.in_flight_until {
            Some(until) if now >= until && self.in_flight > 0 => Self {
                in_flight: 0,
                in_flight_until: None,
                ..self.fail(self.in_flight, now, policy)
            },
            _ => self,
        }
    }

    fn fail(self, failures: u32, now: DateTime<Utc>, policy: &LockoutPolicy) -> Self {
        let count = self.count.saturating_add(failures);
        let locked_until = match policy.lock_for(count) {
            Some(lock) => {
                let end = later(now, lock);
                Some(self.locked_until.map_or(end, |old| old.max(end)))
            }
            None => self.locked_until,
        };
        Self {
            count,
            locked_until,
            ..self
        }
    }
}

fn later(now: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    now.checked_add_signed(by)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn policy(threshold: u32, base_s: i64, cap_s: i64) -> LockoutPolicy {
        LockoutPolicy::try_new(
            threshold,
            TimeDelta::seconds(base_s),
            TimeDelta::seconds(cap_s),
        )
        .expect("valid policy")
    }

    #[test]
    fn no_lock_below_the_threshold_then_doubling_up_to_the_cap() {
        let p = policy(3, 10, 60);
        let locks: Vec<_> = (0..8)
            .map(|n| p.lock_for(n).map(|d| d.num_seconds()))
            .collect();
        assert_eq!(
            locks,
            [
                None,
                None,
                None,
                Some(10),
                Some(20),
                Some(40),
                Some(60),
                Some(60)
            ]
        );
    }

    #[test]
    fn bad_policies_are_refused() {
        let s = TimeDelta::seconds;
        assert_eq!(
            LockoutPolicy::try_new(0, s(1), s(2)),
            Err(LockoutPolicyError::ZeroThreshold)
        );
        assert_eq!(
            LockoutPolicy::try_new(1, s(0), s(2)),
            Err(LockoutPolicyError::BadDurations)
        );
        assert_eq!(
            LockoutPolicy::try_new(1, s(3), s(2)),
            Err(LockoutPolicyError::BadDurations)
        );
    }

    #[test]
    fn a_lock_holds_until_its_end_and_not_at_it() {
        let until = DateTime::from_timestamp(1_000, 0).expect("valid");
        let attempts = FailedAttempts {
            count: 5,
            locked_until: Some(until),
            ..FailedAttempts::default()
        };
        assert!(attempts.is_locked_at(until - TimeDelta::milliseconds(1)));
        assert!(!attempts.is_locked_at(until));
        assert!(!FailedAttempts::default().is_locked_at(until));
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("valid")
    }

    fn record(count: u32, in_flight: u32) -> FailedAttempts {
        FailedAttempts {
            count,
            in_flight,
            in_flight_until: (in_flight > 0).then(|| at(100) + UNRESOLVED_CHECK_EXPIRY),
            ..FailedAttempts::default()
        }
    }

    #[test]
    fn checks_in_flight_take_the_threshold_and_the_next_one_waits() {
        let p = policy(3, 10, 60);
        let mut attempts = FailedAttempts::default();
        for _ in 0..3 {
            attempts = attempts.admit(at(100), &p).expect("below the threshold");
        }
        assert_eq!(attempts, record(0, 3));
        assert_eq!(attempts.admit(at(100), &p), Err(Refusal::Busy));
        // One success clears the count and makes room for the one waiting.
        let cleared = attempts.resolve(true, at(101), &p);
        assert_eq!(cleared, record(0, 2));
        assert!(cleared.admit(at(101), &p).is_ok());
    }

    #[test]
    fn failures_at_the_threshold_lock_and_after_the_lock_one_check_runs_at_a_time() {
        let p = policy(3, 10, 60);
        let mut attempts = record(0, 3);
        for _ in 0..3 {
            attempts = attempts.resolve(false, at(100), &p);
        }
        assert_eq!(
            attempts,
            FailedAttempts {
                count: 3,
                locked_until: Some(at(110)),
                ..FailedAttempts::default()
            }
        );
        assert_eq!(
            attempts.admit(at(109), &p),
            Err(Refusal::Locked(LockedUntil(at(110))))
        );
        let after = attempts.admit(at(110), &p).expect("the lock has ended");
        assert_eq!(after.admit(at(110), &p), Err(Refusal::Busy));
        let failed = after.resolve(false, at(111), &p);
        assert_eq!(failed.locked_until, Some(at(131)));
        assert_eq!((failed.count, failed.in_flight), (4, 0));
    }

    #[test]
    fn checks_left_unresolved_past_their_expiry_count_as_failures() {
        let p = policy(3, 10, 60);
        let stale = record(1, 2);
        let expiry = at(100) + UNRESOLVED_CHECK_EXPIRY;
        assert_eq!(
            stale.admit(expiry - TimeDelta::seconds(1), &p),
            Err(Refusal::Busy)
        );
        assert_eq!(
            stale.admit(expiry, &p),
            Err(Refusal::Locked(LockedUntil(
                expiry + TimeDelta::seconds(10)
            )))
        );
    }

    proptest! {
        #[test]
        fn no_more_guesses_run_than_the_threshold_allows(
            steps in proptest::collection::vec((any::<bool>(), any::<bool>()), 1..60),
        ) {
            let p = policy(3, 10, 60);
            let mut attempts = FailedAttempts::default();
            for (i, (admit, verified)) in steps.into_iter().enumerate() {
                let now = at(100 + i64::try_from(i).expect("small"));
                if admit || attempts.in_flight == 0 {
                    if let Ok(after) = attempts.admit(now, &p) {
                        prop_assert_eq!(after.in_flight, attempts.in_flight + 1);
                        attempts = after;
                    }
                } else {
                    attempts = attempts.resolve(verified, now, &p);
                }
                // Failures plus guesses running stay within the threshold; after a lock, one guess runs.
                let room = p.threshold().saturating_sub(attempts.count).max(1);
                prop_assert!(attempts.in_flight <= room, "{attempts:?}");
            }
        }

        #[test]
        fn locks_never_shrink_never_pass_the_cap_and_never_overflow(
            threshold in 1u32..20,
            base in 1i64..3_600,
            extra in 0i64..86_400,
            failures in 0u32..u32::MAX,
        ) {
            let p = policy(threshold, base, base + extra);
            let now = p.lock_for(failures);
            let next = p.lock_for(failures.saturating_add(1));
            prop_assert!(now <= next, "{now:?} then {next:?}");
            if let Some(lock) = next {
                prop_assert!(lock <= TimeDelta::seconds(base + extra));
                prop_assert!(lock >= TimeDelta::seconds(base));
            }
        }
    }
}
