//! How `upsertUser` and `login` run their password check: a client refused for its failures is
//! answered at once; the others wait for a fair share of the places in flight; and the check runs to
//! completion on a task of its own, where its failure is counted against the client.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{Context, Result};
use axum::http::header;
use domain::ClientFailurePolicy;
use tracing::Instrument;

use super::check_slots::{CheckSlots, ClientKey};
use super::client_failures::FailuresByClient;
use super::errors::{client_refused, rate_limited};
use crate::graphql::errors::internal;
use crate::http::ClientAddress;

/// How many operations may wait per place in flight. With 64 places that is 256 waiting: a burst of
/// a few hundred sign-ups is served, and what waits is a few hundred small futures, not a backlog.
const WAITING_PER_SLOT: usize = 4;

/// The places in flight and the failures per client, in the schema's data (see [`super::UsersModule`]).
pub(super) struct PasswordCheckLimits {
    slots: CheckSlots,
    failures: Arc<FailuresByClient>,
}

impl PasswordCheckLimits {
    pub(super) fn new(in_flight: usize, wait: Duration, failures: ClientFailurePolicy) -> Self {
        Self {
            slots: CheckSlots::new(in_flight, in_flight.saturating_mul(WAITING_PER_SLOT), wait),
            failures: Arc::new(FailuresByClient::new(failures)),
        }
    }
}

/// Runs a password-checking use case, `work`, for the calling client.
///
/// It runs on a task of its own, so that a client that disconnects while bcrypt runs cannot cancel it
/// between counting the check and clearing the count (a right password must never be left counted
/// as a failure), nor escape having its failure counted. `failed` says which outcomes are failed
/// checks. Refusals come before anything is read or counted; callers check their input first, so
/// that only well-formed work waits.
pub(super) async fn run<T: Send + 'static>(
    ctx: &Context<'_>,
    work: impl Future<Output = T> + Send + 'static,
    failed: fn(&T) -> bool,
) -> Result<T> {
    let limits = ctx.data::<PasswordCheckLimits>()?;
    // Executed in-process (tests, benchmarks), a request has no address: all such are one client.
    let client = ClientKey::from(
        ctx.data_opt::<ClientAddress>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0),
    );
    if let Some(until) = limits.failures.refused_until(client) {
        let seconds = until.saturating_duration_since(Instant::now()).as_secs() + 1;
        retry_after(ctx, seconds);
        return Err(client_refused(seconds));
    }
    let Some(slot) = limits.slots.acquire(client).await else {
        retry_after(ctx, RETRY_AFTER_SECONDS);
        return Err(rate_limited());
    };
    let failures = Arc::clone(&limits.failures);
    // The span keeps the task's log lines under the request's id.
    let task = tokio::spawn(
        async move {
            let outcome = work.await;
            if failed(&outcome) {
                failures.record_failure(client);
            }
            drop(slot);
            outcome
        }
        .in_current_span(),
    );
    task.await.map_err(|e| internal(&anyhow::Error::new(e)))
}

/// For refusals the client may retry: the account's checks were busy, or no place came in time.
pub(super) fn retry_shortly(ctx: &Context<'_>) {
    retry_after(ctx, RETRY_AFTER_SECONDS);
}

fn retry_after(ctx: &Context<'_>, seconds: u64) {
    ctx.insert_http_header(header::RETRY_AFTER, seconds.to_string());
}

/// Those refusals come only after a full wait, so the queue was busy for that long: a second is the
/// least that helps, and clients back off further themselves.
const RETRY_AFTER_SECONDS: u64 = 1;
