//! Throttling one client's failed password checks across every account it tries: the account lockout
//! cannot see a client that sprays a few common passwords over many accounts, one guess each.
//!
//! The count is a leaky bucket: each failure adds one, and the bucket drains at `limit` per `window`.
//! That has the property a person who mistypes needs: however they are spread, `limit` failures within
//! any one window never fill it. The failure that would overflow it refuses the client for `block`.

use std::time::{Duration, Instant};

/// How many failed checks one client may make per window, and how long it is refused past that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientFailurePolicy {
    limit: u32,
    window: Duration,
    block: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientFailurePolicyError {
    #[error("the failure limit must be at least 1")]
    ZeroLimit,
    #[error("the window and the block must be positive")]
    ZeroDuration,
}

impl ClientFailurePolicy {
    /// # Errors
    /// A zero limit, window or block.
    pub fn try_new(
        limit: u32,
        window: Duration,
        block: Duration,
    ) -> Result<Self, ClientFailurePolicyError> {
        if limit == 0 {
            return Err(ClientFailurePolicyError::ZeroLimit);
        }
        if window.is_zero() || block.is_zero() {
            return Err(ClientFailurePolicyError::ZeroDuration);
        }
        Ok(Self {
            limit,
            window,
            block,
        })
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    pub fn block(&self) -> Duration {
        self.block
    }

    /// What drains from the bucket in `elapsed`.
    fn drained(&self, elapsed: Duration) -> f64 {
        elapsed.as_secs_f64() * f64::from(self.limit) / self.window.as_secs_f64()
    }
}

impl Default for ClientFailurePolicy {
    /// Thirty failures per ten minutes, then ten minutes refused: an office behind one address, each
    /// of whom mistypes a few times, stays well inside it; a spray of a few passwords over many
    /// accounts gets thirty guesses per ten minutes at most.
    fn default() -> Self {
        Self {
            limit: 30,
            window: Duration::from_secs(600),
            block: Duration::from_secs(600),
        }
    }
}

/// One client's failed checks, as the bucket's level at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientFailures {
    level: f64,
    at: Instant,
    refused_until: Option<Instant>,
}

impl ClientFailures {
    /// A client with no failures.
    pub fn new(now: Instant) -> Self {
        Self {
            level: 0.0,
            at: now,
            refused_until: None,
        }
    }

    /// Until when the client's checks are refused, if they are at `now`.
    pub fn refused_until(&self, now: Instant) -> Option<Instant> {
        self.refused_until.filter(|until| *until > now)
    }

    /// Counts a failure at `now`. Returns the end of the refusal it starts, if it starts one.
    pub fn record_failure(
        &mut self,
        now: Instant,
        policy: &ClientFailurePolicy,
    ) -> Option<Instant> {
        self.drain(now, policy);
        self.level += 1.0;
        // The tolerance keeps rounding in the drain from refusing a client that is exactly at the limit.
        if self.level <= f64::from(policy.limit) + 1e-9 {
            return None;
        }
        // The refusal is the penalty; after it the client starts over rather than with a full bucket
        // that would refuse it again at its first mistake.
        self.level = 0.0;
        let until = now + policy.block;
        self.refused_until = Some(until);
        Some(until)
    }

    /// Whether the record says nothing any more: empty and not refusing, so it can be dropped.
    pub fn is_spent(&self, now: Instant, policy: &ClientFailurePolicy) -> bool {
        let mut drained = *self;
        drained.drain(now, policy);
        drained.level == 0.0 && drained.refused_until(now).is_none()
    }

    fn drain(&mut self, now: Instant, policy: &ClientFailurePolicy) {
        let elapsed = now.saturating_duration_since(self.at);
        self.level = (self.level - policy.drained(elapsed)).max(0.0);
        self.at = self.at.max(now);
    }
}

#[cfg(test)]
#[path = "client_failures_tests.rs"]
mod tests;
