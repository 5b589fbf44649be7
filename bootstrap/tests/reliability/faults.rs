//! Database faults, driven through the real `auth` binary: a hard stop mid-load, killed connections, a
//! start before the database, a frozen database. Errors during a fault must be clean
//! (`UNAVAILABLE`, quickly), the service must recover without a restart, and nothing may be half-written.

use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::Value;

use crate::binary::{SEED_PASSWORD, Service};
use crate::cluster::Cluster;
use crate::invariants::assert_invariants;

const READ: &str = "{ me { id } users(first: 10) { id email } }";

/// Short timeouts, so that an outage is reported in about a second rather than hanging: any store call
/// ends within 1 s (a connection) + 2 s (a statement) + 1 s.
const QUICK_TIMEOUTS: &[(&str, &str)] = &[
    ("AUTH_DB_ACQUIRE_TIMEOUT_MS", "1000"),
    ("AUTH_DB_STATEMENT_TIMEOUT_MS", "2000"),
];

fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

async fn count_users(cluster: &Cluster) -> i64 {
    let admin = sqlx::PgPool::connect(&cluster.url()).await.expect("admin");
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&admin)
        .await
        .expect("counted")
}

/// Polls until a read succeeds; until then every answer must be a clean `UNAVAILABLE`.
async fn serves_again_within_5_s(app: &Service) {
    let back = Instant::now();
    loop {
        let answer = app.graphql(READ).await;
        if answer["errors"].is_null() {
            return;
        }
        assert_clean(std::slice::from_ref(&answer));
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not serving 5 s after the database came back: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every answer is a success or a coded `UNAVAILABLE`: never an internal error, never silence.
fn assert_clean(answers: &[Value]) {
    for answer in answers {
        let code = error_code(answer);
        assert!(
            answer["errors"].is_null() || code == Some("UNAVAILABLE"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn a_hard_stop_mid_load_answers_unavailable_quickly_and_recovers_without_a_restart() {
    let cluster = Cluster::create();
    cluster.start();
    let mut app = Service::start(&cluster.url(), QUICK_TIMEOUTS).await;
    app.sign_in().await;
    let before = count_users(&cluster).await;

    // Reads in flight while the database dies under them.
    let load = join_all((0..16).map(|_| app.graphql(READ)));
    let crash = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        cluster.stop_immediate();
    };
    let (answers, ()) = tokio::join!(load, crash);
    assert_clean(&answers);

    // During the outage: clean and quick answers, and not ready.
    for _ in 0..3 {
        let started = Instant::now();
        let answer = app.graphql(READ).await;
        assert_eq!(error_code(&answer), Some("UNAVAILABLE"), "{answer}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "an outage must not hang a request: {:?}",
            started.elapsed()
        );
    }
    let signup = app.upsert("during@example.com", SEED_PASSWORD).await;
    assert_eq!(error_code(&signup), Some("UNAVAILABLE"), "{signup}");
    assert_eq!(app.ready_status().await, 503);

    cluster.start();
    serves_again_within_5_s(&app).await;
    assert_eq!(app.ready_status().await, 200);
    assert_eq!(
        count_users(&cluster).await,
        before,
        "the sign-up during the outage wrote nothing"
    );
    app.assert_log_has_no_secrets();
    assert_invariants(&cluster, SEED_PASSWORD).await;
}

#[tokio::test]
async fn killed_connections_fail_only_what_was_in_flight() {
    let cluster = Cluster::create();
    cluster.start();
    let mut app = Service::start(&cluster.url(), QUICK_TIMEOUTS).await;
    app.sign_in().await;

    let load = join_all((0..32).map(|_| app.graphql(READ)));
    let kill = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let admin = sqlx::PgPool::connect(&cluster.url()).await.expect("admin");
        let killed: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'jobber-auth'",
        )
        .fetch_all(&admin)
        .await
        .expect("terminated");
        assert!(!killed.is_empty(), "the service had connections to kill");
    };
    let (answers, ()) = tokio::join!(load, kill);
    assert_clean(&answers);

    // Every request after the kill is served: the pool replaced its dead connections.
    let after = join_all((0..32).map(|_| app.graphql(READ))).await;
    for answer in &after {
        assert!(answer["errors"].is_null(), "{answer}");
    }
    app.assert_log_has_no_secrets();
    assert_invariants(&cluster, SEED_PASSWORD).await;
}

#[tokio::test]
async fn started_before_its_database_it_reports_not_ready_then_becomes_ready() {
    let cluster = Cluster::create();
    // The service starts although nothing answers on the database's port.
    let mut app = Service::start(&cluster.url(), QUICK_TIMEOUTS).await;
    assert_eq!(app.ready_status().await, 503);
    let answer = app.upsert("early@example.com", SEED_PASSWORD).await;
    assert_eq!(error_code(&answer), Some("UNAVAILABLE"), "{answer}");

    cluster.start();
    let up = Instant::now();
    while app.ready_status().await != 200 {
        assert!(
            up.elapsed() < Duration::from_secs(5),
            "not ready 5 s after the database started"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Ready means migrated: a sign-up works at once.
    let answer = app.upsert("late@example.com", SEED_PASSWORD).await;
    assert!(answer["errors"].is_null(), "{answer}");
    assert_eq!(
        count_users(&cluster).await,
        1,
        "the early sign-up wrote nothing"
    );
    app.assert_log_has_no_secrets();
    assert_invariants(&cluster, SEED_PASSWORD).await;
}

#[tokio::test]
async fn a_frozen_database_fails_requests_within_the_timeout_and_the_service_recovers() {
    let cluster = Cluster::create();
    cluster.start();
    // 1 s for a connection, 2 s per statement: any store call ends within 4 s.
    let mut app = Service::start(&cluster.url(), QUICK_TIMEOUTS).await;
    app.sign_in().await;

    // Frozen while reads are in flight: some hold a connection mid-query when it stops.
    let started = Instant::now();
    let load = join_all((0..200).map(|_| app.graphql(READ)));
    let freeze = async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        cluster.freeze();
        Instant::now()
    };
    let (answers, frozen) = tokio::join!(load, freeze);
    let took = started.elapsed();
    let answers: Vec<_> = answers
        .into_iter()
        .filter(|a| !a["errors"].is_null())
        .collect();
    assert!(!answers.is_empty(), "the freeze caught some reads");
    for answer in &answers {
        assert_eq!(error_code(answer), Some("UNAVAILABLE"), "{answer}");
    }
    // Two store calls per read (the caller, then the users), each bounded at 4 s, plus some scheduling.
    assert!(
        took < Duration::from_secs(12),
        "requests waited {took:?} on a frozen database"
    );
    assert_eq!(app.ready_status().await, 503);

    // Frozen for 10 s in all, then back.
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(frozen.elapsed())).await;
    cluster.thaw();
    serves_again_within_5_s(&app).await;
    app.assert_log_has_no_secrets();
    assert_invariants(&cluster, SEED_PASSWORD).await;
}
