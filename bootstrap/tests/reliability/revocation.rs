//! Revocation across replicas: two `auth` processes on one database, each answering its guards from
//! its own memory of password versions. A password changed through one must revoke older tokens on
//! that one at once and on the other within 100 ms of the commit, also when the change feed was cut
//! just before it.

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection;

use crate::binary::Service;
use crate::cluster::Cluster;

const GUARDED: &str = "{ users(first: 1) { id } }";
const FEED_LISTENING: &str = "password version feed: listening";
/// The second time trust comes back: the log line's first word, counted from after the loss.
const FEED_LISTENING_AGAIN: &str = "password version feed: listening again";
/// The bound the issue sets, from the commit. It is measured from before the change is sent, which
/// includes the change's own request, so it is an over-estimate.
const BOUND: Duration = Duration::from_millis(100);

fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// Two replicas whose feeds are heard, and a session that each has checked at least once, so that each
/// has the caller's version in memory.
async fn replicas(cluster: &Cluster) -> (Service, Service) {
    let mut a = Service::start(&cluster.url(), &[]).await;
    let mut b = Service::start(&cluster.url(), &[]).await;
    a.sign_in().await;
    b.use_token(a.token());
    for replica in [&mut a, &mut b] {
        replica
            .wait_for_log(FEED_LISTENING, Duration::from_secs(10))
            .await;
        let answer = replica.graphql(GUARDED).await;
        assert!(answer["errors"].is_null(), "{answer}");
    }
    (a, b)
}

/// Polls `replica` with the old token until it is refused; how long that took from `since`.
async fn refused_after(replica: &Service, since: Instant) -> Duration {
    loop {
        let answer = replica.graphql(GUARDED).await;
        match code(&answer) {
            Some("UNAUTHENTICATED") => return since.elapsed(),
            None => {}
            Some(_) => panic!("only UNAUTHENTICATED may refuse the old token: {answer}"),
        }
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "the old token still works 5 s after the change"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn change_and_measure(a: &Service, b: &Service) -> Duration {
    let sent = Instant::now();
    let changed = a.change_password("MyNewPassword2!").await;
    assert!(changed["errors"].is_null(), "{changed}");
    // The replica that made the change refuses the old token on the very next request.
    let on_a = a.graphql(GUARDED).await;
    assert_eq!(code(&on_a), Some("UNAUTHENTICATED"), "{on_a}");
    refused_after(b, sent).await
}

#[tokio::test]
async fn a_password_change_on_one_replica_revokes_on_the_other_within_100_ms() {
    let cluster = Cluster::create();
    cluster.start();
    let (mut a, mut b) = replicas(&cluster).await;
    let took = change_and_measure(&a, &b).await;
    assert!(
        took < BOUND,
        "the other replica accepted the old token for {took:?}"
    );
    a.assert_log_has_no_secrets();
    b.assert_log_has_no_secrets();
}

/// The feeds' connections are killed and the change is committed while no replica can connect again,
/// so its notification reaches no one. Each replica must stop trusting its memory when its feed drops,
/// rather than serve the old version until a later change.
#[tokio::test]
async fn a_change_committed_while_the_feeds_are_cut_still_revokes_within_100_ms() {
    let cluster = Cluster::create();
    cluster.start();
    let (mut a, mut b) = replicas(&cluster).await;
    let mut admin = sqlx::PgConnection::connect(&cluster.url())
        .await
        .expect("admin");
    // A database cannot close itself to connections: that is done from another.
    let mut gate = sqlx::PgConnection::connect(&format!(
        "{}/template1",
        cluster.url().trim_end_matches("/postgres")
    ))
    .await
    .expect("admin on template1");
    let sql = |statement: &'static str| sqlx::query(statement);
    // Connections already open stay; a listener cannot come back until this is undone.
    sql("ALTER DATABASE postgres WITH ALLOW_CONNECTIONS false")
        .execute(&mut gate)
        .await
        .expect("closed to new connections");
    // With a timeout, pg_terminate_backend returns once the backend is gone.
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
         WHERE application_name = 'jobber-auth' AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .expect("terminated");
    assert_eq!(
        killed,
        [true, true],
        "each replica had one listening connection"
    );
    sql("UPDATE users SET password_version = password_version + 1")
        .execute(&mut admin)
        .await
        .expect("changed");
    let changed = Instant::now();
    sql("ALTER DATABASE postgres WITH ALLOW_CONNECTIONS true")
        .execute(&mut gate)
        .await
        .expect("open again");
    for (name, replica) in [("a", &a), ("b", &b)] {
        let took = refused_after(replica, changed).await;
        assert!(
            took < BOUND,
            "replica {name} accepted the old token for {took:?} with its feed cut"
        );
    }
    // And the feeds come back on their own.
    for replica in [&mut a, &mut b] {
        replica
            .wait_for_log(FEED_LISTENING_AGAIN, Duration::from_secs(5))
            .await;
    }
}
