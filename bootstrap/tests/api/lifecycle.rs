//! Start-up and shutdown as an operator sees them.

use std::time::Duration;

use crate::helpers::{SEED_PASSWORD, TestApp};

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_closes_every_connection() {
    // A real bcrypt cost makes the request slow enough to be in flight when the stop arrives.
    let mut app = TestApp::spawn_with(|s| s.modules.users.bcrypt_cost = 12).await;
    let in_flight = {
        let client = app.client.clone();
        let url = app.url("/graphql");
        tokio::spawn(async move {
            let query = format!(
                r#"mutation {{ upsertUser(upsertUserInput: {{ email: "slow@example.com", password: "{SEED_PASSWORD}" }}) {{ id }} }}"#
            );
            client
                .post(url)
                .json(&serde_json::json!({ "query": query }))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    app.stop().await.expect("the server stops cleanly");

    let response = in_flight
        .await
        .expect("task")
        .expect("the in-flight request got its answer");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(
        app.count_users().await,
        1,
        "the accepted request was completed, not dropped"
    );

    let refused = app
        .client
        .get(app.url("/api/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(
        refused.is_err(),
        "new connections are refused after shutdown"
    );

    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'jobber-auth'",
    )
    .bind(app.pg().name())
    .fetch_one(&app.pg().pool)
    .await
    .expect("count");
    assert_eq!(open, 0, "the service's pool is closed");
}
