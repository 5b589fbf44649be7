//! A replica that leaves migrating to a job (`AUTH_RUN_MIGRATIONS=false`, as the Kubernetes manifests
//! run it) takes no traffic until the job has applied every migration the replica's build carries.

use crate::helpers::TestApp;

/// The newest migration, as a build newer than the schema sees it before `auth migrate` has run.
const NEWEST: &str = "(SELECT max(version) FROM _sqlx_migrations)";

async fn ready_status(app: &TestApp) -> u16 {
    app.client
        .get(app.url("/api/ready"))
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_replica_that_leaves_migrating_to_a_job_is_ready_once_the_job_has_run() {
    let app = TestApp::spawn().await;
    let pool = &app.pg().pool;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE _sqlx_migrations SET success = false WHERE version = {NEWEST}"
    )))
    .execute(pool)
    .await
    .expect("the newest migration marked as not applied");

    let replica = app
        .spawn_replica(|s| s.database.run_migrations = false)
        .await;
    assert_eq!(
        ready_status(&replica).await,
        503,
        "not ready on an old schema"
    );

    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE _sqlx_migrations SET success = true WHERE version = {NEWEST}"
    )))
    .execute(pool)
    .await
    .expect("the migration applied, as the job would");
    assert_eq!(
        ready_status(&replica).await,
        200,
        "ready once the job has run"
    );
    assert_eq!(ready_status(&app).await, 200);
}

#[tokio::test]
async fn a_replica_of_an_older_build_stays_ready_on_a_newer_schema() {
    let app = TestApp::spawn().await;
    // A newer build's job has applied a migration this build does not carry.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         SELECT max(version) + 1, 'from a newer build', true, '\\x00'::bytea, 0 FROM _sqlx_migrations",
    )
    .execute(&app.pg().pool)
    .await
    .expect("a newer migration recorded");
    let replica = app
        .spawn_replica(|s| s.database.run_migrations = false)
        .await;
    assert_eq!(ready_status(&replica).await, 200);
}
