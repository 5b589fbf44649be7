use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::{ClientFailurePolicy, ClientFailurePolicyError, ClientFailures};

fn policy(limit: u32) -> ClientFailurePolicy {
    ClientFailurePolicy::try_new(limit, Duration::from_secs(600), Duration::from_secs(300))
        .expect("valid")
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn a_burst_of_exactly_the_limit_is_not_refused_and_one_more_is() {
    let policy = policy(20);
    let start = Instant::now();
    let mut client = ClientFailures::new(start);
    for _ in 0..20 {
        assert_eq!(client.record_failure(start, &policy), None);
    }
    assert_eq!(client.refused_until(start), None);
    let until = client.record_failure(start, &policy);
    assert_eq!(until, Some(start + secs(300)));
    assert_eq!(client.refused_until(start + secs(299)), until);
}

#[test]
fn the_refusal_ends_after_the_block_and_the_client_starts_over() {
    let policy = policy(3);
    let start = Instant::now();
    let mut client = ClientFailures::new(start);
    for _ in 0..4 {
        client.record_failure(start, &policy);
    }
    let after = start + secs(300);
    assert_eq!(client.refused_until(after), None, "the block has passed");
    for _ in 0..3 {
        assert_eq!(client.record_failure(after, &policy), None);
    }
    assert!(client.record_failure(after, &policy).is_some());
}

#[test]
fn the_limit_per_window_spread_over_many_windows_is_never_refused() {
    let policy = policy(20);
    let start = Instant::now();
    let mut client = ClientFailures::new(start);
    // One failure every 30 s is 20 in every ten minutes, for an hour.
    for i in 0..120 {
        let now = start + secs(30 * i);
        assert_eq!(client.record_failure(now, &policy), None, "failure {i}");
    }
}

#[test]
fn a_steady_rate_above_the_limit_is_refused_in_the_end() {
    let policy = policy(20);
    let start = Instant::now();
    let mut client = ClientFailures::new(start);
    // One every 20 s is 30 per ten minutes.
    let refused = (0..120).find(|i| {
        client
            .record_failure(start + secs(20 * i), &policy)
            .is_some()
    });
    assert!(refused.is_some());
}

#[test]
fn a_record_is_spent_once_drained_and_not_refusing() {
    let policy = policy(10);
    let start = Instant::now();
    let mut client = ClientFailures::new(start);
    client.record_failure(start, &policy);
    assert!(!client.is_spent(start, &policy));
    // One failure drains in a tenth of the window.
    assert!(client.is_spent(start + secs(60), &policy));
    for _ in 0..11 {
        client.record_failure(start, &policy);
    }
    assert!(
        !client.is_spent(start + secs(299), &policy),
        "still refusing"
    );
    assert!(client.is_spent(start + secs(300), &policy));
}

#[test]
fn policies_refuse_zero_values() {
    assert_eq!(
        ClientFailurePolicy::try_new(0, secs(1), secs(1)),
        Err(ClientFailurePolicyError::ZeroLimit)
    );
    assert_eq!(
        ClientFailurePolicy::try_new(1, Duration::ZERO, secs(1)),
        Err(ClientFailurePolicyError::ZeroDuration)
    );
    assert_eq!(
        ClientFailurePolicy::try_new(1, secs(1), Duration::ZERO),
        Err(ClientFailurePolicyError::ZeroDuration)
    );
}

/// The most failures any window `(t - window, t]` ending at a failure holds.
fn busiest_window(times_ms: &[u64], window_ms: u64) -> usize {
    times_ms
        .iter()
        .map(|&t| {
            times_ms
                .iter()
                .filter(|&&s| s <= t && s + window_ms > t)
                .count()
        })
        .max()
        .unwrap_or(0)
}

proptest! {
    /// However they are spread, failures that never put more than `limit` into one window are never
    /// refused: the promise to a person who mistypes.
    #[test]
    fn no_window_over_the_limit_means_no_refusal(
        limit in 1_u32..6,
        gaps in proptest::collection::vec(0_u64..2_000, 1..40),
    ) {
        let window_ms = 1_000;
        let policy = ClientFailurePolicy::try_new(
            limit,
            Duration::from_millis(window_ms),
            Duration::from_millis(10_000),
        )
        .expect("valid");
        let times: Vec<u64> = gaps
            .iter()
            .scan(0, |t, gap| {
                *t += gap;
                Some(*t)
            })
            .collect();
        let start = Instant::now();
        let mut client = ClientFailures::new(start);
        let refused = times.iter().any(|&t| {
            client
                .record_failure(start + Duration::from_millis(t), &policy)
                .is_some()
        });
        if refused {
            prop_assert!(busiest_window(&times, window_ms) > limit as usize);
        }
    }
}
