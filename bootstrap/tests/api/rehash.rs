//! Hashes of an older cost are upgraded on the next successful check, without counting as a password
//! change: `updatedAt` stays, and sessions issued before stay valid.

use serde_json::json;

use crate::helpers::{SEED_PASSWORD, TestApp, TestStore};

const EMAIL: &str = "upgrade@example.com";

async fn stored_hash(app: &TestApp) -> String {
    let TestStore::Postgres(db) = &app.store else {
        panic!("the owning app reads the row");
    };
    sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind(EMAIL)
        .fetch_one(&db.pool)
        .await
        .expect("the row")
}

#[tokio::test]
async fn a_login_under_a_higher_cost_rehashes_without_moving_updated_at_or_revoking_sessions() {
    // Signed up under cost 4 (test settings), as under an older setting or the course's service.
    let old = TestApp::spawn().await;
    let created = old.upsert(EMAIL, SEED_PASSWORD, None).await;
    assert!(created["errors"].is_null(), "{created}");
    let updated_at = created["data"]["upsertUser"]["updatedAt"].clone();
    let earlier_session = old.log_in(EMAIL, SEED_PASSWORD).await;
    assert!(stored_hash(&old).await.starts_with("$2b$04$"));

    // A replica configured with cost 5 verifies the old hash, then stores one at its own cost.
    let new = old
        .spawn_replica(|settings| settings.modules.users.bcrypt_cost = 5)
        .await;
    let _ = new.log_in(EMAIL, SEED_PASSWORD).await;
    assert!(
        stored_hash(&old).await.starts_with("$2b$05$"),
        "rehashed at the configured cost"
    );

    let again = new.upsert(EMAIL, SEED_PASSWORD, None).await;
    assert!(
        again["errors"].is_null(),
        "the password still verifies: {again}"
    );
    assert_eq!(
        again["data"]["upsertUser"]["updatedAt"], updated_at,
        "{again}"
    );

    let me = new
        .client
        .post(new.url("/graphql"))
        .bearer_auth(&earlier_session)
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .expect("sent")
        .json::<serde_json::Value>()
        .await
        .expect("JSON");
    assert_eq!(
        me["data"]["me"]["email"], EMAIL,
        "the earlier session survives: {me}"
    );
}
