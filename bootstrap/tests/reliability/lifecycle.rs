//! The real `auth` binary told to stop under load: SIGTERM, as `docker stop` sends it. Requests already
//! accepted complete, new connections are refused, the exit is 0 within the grace period, no
//! connection is left on the database, and the captured log holds no secret.

use std::time::{Duration, Instant};

use futures::future::join_all;

use crate::binary::{SEED_PASSWORD, Service};
use crate::cluster::Cluster;
use crate::invariants::assert_invariants;

const GRACE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn sigterm_under_load_drains_exits_zero_and_leaves_nothing_open() {
    let cluster = Cluster::create();
    cluster.start();
    let grace = GRACE.as_millis().to_string();
    // A real cost, so that sign-ups are still running when the signal arrives.
    let mut app = Service::start(
        &cluster.url(),
        &[
            ("AUTH_BCRYPT_COST", "12"),
            ("AUTH_SHUTDOWN_GRACE_MS", &grace),
        ],
    )
    .await;

    let in_flight = join_all((0..4).map(|i| app.upsert_owned(format!("drain{i}@example.com"))));
    let stop = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        app.terminate();
        Instant::now()
    };
    let (answers, signalled) = tokio::join!(in_flight, stop);
    for answer in &answers {
        assert!(
            answer["errors"].is_null(),
            "accepted before the stop: {answer}"
        );
    }
    let exit = tokio::time::timeout(GRACE + Duration::from_secs(5), app.child.wait())
        .await
        .expect("auth exits within its grace period")
        .expect("wait");
    let log = app.log();
    assert!(exit.success(), "exit status {exit}; log:\n{log}");
    assert!(signalled.elapsed() < GRACE + Duration::from_secs(1));

    let refused = app
        .client
        .get(format!("{}/api/health", app.base))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "new connections are refused after exit");

    let admin = sqlx::PgPool::connect(&cluster.url()).await.expect("admin");
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jobber-auth'",
    )
    .fetch_one(&admin)
    .await
    .expect("count");
    assert_eq!(open, 0, "no connection left open");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&admin)
        .await
        .expect("count");
    assert_eq!(users, 4, "every accepted sign-up was stored");

    app.assert_log_has_no_secrets();
    assert_invariants(&cluster, SEED_PASSWORD).await;
}
