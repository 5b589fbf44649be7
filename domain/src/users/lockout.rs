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

/// An account's record of consecutive failed password checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailedAttempts {
    pub count: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A password check refused, unmade, because the account is locked until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockedUntil(pub DateTime<Utc>);

impl FailedAttempts {
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// Admits one password check at `now`, counted as a failure before it is made, or refuses it while
    /// the account is locked.
    ///
    /// Counting first is what makes the threshold hold under concurrency: when checks race, the one
    /// that reaches the threshold locks the account before its bcrypt runs, so the others are refused
    /// instead of guessing too. A check that then succeeds clears the record. A refused check changes
    /// nothing, so trying during a lock does not prolong it.
    ///
    /// # Errors
    /// [`LockedUntil`] while the account is locked at `now`.
    pub fn admit(self, now: DateTime<Utc>, policy: &LockoutPolicy) -> Result<Self, LockedUntil> {
        if let Some(until) = self.locked_until
            && now < until
        {
            return Err(LockedUntil(until));
        }
        let count = self.count.saturating_add(1);
        let locked_until = match policy.lock_for(count) {
            Some(lock) => {
                let end = now
                    .checked_add_signed(lock)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC);
                Some(self.locked_until.map_or(end, |old| old.max(end)))
            }
            None => self.locked_until,
        };
        Ok(Self {
            count,
            locked_until,
        })
    }
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
        };
        assert!(attempts.is_locked_at(until - TimeDelta::milliseconds(1)));
        assert!(!attempts.is_locked_at(until));
        assert!(!FailedAttempts::default().is_locked_at(until));
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("valid")
    }

    #[test]
    fn checks_are_counted_when_admitted_and_the_threshold_check_locks() {
        let p = policy(3, 10, 60);
        let mut attempts = FailedAttempts::default();
        for expected in 1..=2 {
            attempts = attempts.admit(at(100), &p).expect("below the threshold");
            assert_eq!(
                attempts,
                FailedAttempts {
                    count: expected,
                    locked_until: None
                }
            );
        }
        attempts = attempts
            .admit(at(100), &p)
            .expect("the third check is still made");
        assert_eq!(
            attempts,
            FailedAttempts {
                count: 3,
                locked_until: Some(at(110))
            }
        );
        assert_eq!(attempts.admit(at(109), &p), Err(LockedUntil(at(110))));
        let after = attempts.admit(at(110), &p).expect("the lock has ended");
        assert_eq!(
            after,
            FailedAttempts {
                count: 4,
                locked_until: Some(at(130))
            }
        );
    }

    proptest! {
        #[test]
        fn a_refused_check_changes_nothing_and_an_admitted_one_counts(
            count in 0u32..100,
            lock in proptest::option::of(0i64..1_000),
            now in 0i64..1_000,
        ) {
            let p = policy(3, 10, 60);
            let before = FailedAttempts { count, locked_until: lock.map(at) };
            match before.admit(at(now), &p) {
                Err(LockedUntil(until)) => {
                    prop_assert!(before.is_locked_at(at(now)));
                    prop_assert_eq!(Some(until), before.locked_until);
                }
                Ok(after) => {
                    prop_assert!(!before.is_locked_at(at(now)));
                    prop_assert_eq!(after.count, count + 1);
                    prop_assert!(after.locked_until >= before.locked_until);
                }
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
