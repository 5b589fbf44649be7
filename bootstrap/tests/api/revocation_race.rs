//! Logins with the old password racing its change, with hashing slow enough that many of them read the
//! row before the change commits and finish verifying after. Sessions used to be compared with the
//! change by whole seconds, so such a login got a token that outlived the change.

use std::time::Duration;

use futures::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{SEED_NEW_PASSWORD, SEED_PASSWORD, TestApp, error_code, session_cookie_value};

/// Cost 10 takes tens of milliseconds a verify here, so a burst of logins spans the change.
const SLOW_COST: u32 = 10;

#[tokio::test]
async fn no_session_won_with_the_old_password_outlives_its_change_on_postgres() {
    let app = TestApp::spawn_with(|settings| settings.modules.users.bcrypt_cost = SLOW_COST).await;
    old_password_sessions_are_revoked_once_the_change_returns(&app).await;
}

async fn old_password_sessions_are_revoked_once_the_change_returns(app: &TestApp) {
    let email = "racing@example.com";
    let created = app.upsert(email, SEED_PASSWORD, None).await;
    assert!(created["errors"].is_null(), "{created}");
    let logins = join_all((0..24).map(|_| login_token(app, email, SEED_PASSWORD)));
    let change = async {
        // Let the first logins read the row and start hashing before the change commits.
        tokio::time::sleep(Duration::from_millis(30)).await;
        app.upsert(email, SEED_PASSWORD, Some(SEED_NEW_PASSWORD))
            .await
    };
    let (tokens, change) = tokio::join!(logins, change);
    assert!(
        change["errors"].is_null(),
        "the change goes through: {change}"
    );

    let won: Vec<String> = tokens.into_iter().flatten().collect();
    for token in &won {
        let me = me_with(app, token).await;
        assert!(
            error_code(&me) == Some("UNAUTHENTICATED") && me["data"].is_null(),
            "a session won with the old password passed after the change ({} won): {me}",
            won.len()
        );
    }
    let fresh = login_token(app, email, SEED_NEW_PASSWORD)
        .await
        .expect("the new password logs in");
    let me = me_with(app, &fresh).await;
    assert_eq!(me["data"]["me"]["email"], email, "{me}");
    assert!(me["errors"].is_null(), "{me}");
}

/// The session token of a successful login, or `None` when it was refused.
async fn login_token(app: &TestApp, email: &str, password: &str) -> Option<String> {
    let response = app.login_response(email, password).await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|c| session_cookie_value(c).to_owned());
    let body: Value = response.json().await.expect("JSON");
    if body["errors"].is_null() {
        Some(cookie.expect("a successful login sets the cookie"))
    } else {
        assert_eq!(error_code(&body), Some("INVALID_CREDENTIALS"), "{body}");
        None
    }
}

async fn me_with(app: &TestApp, token: &str) -> Value {
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        // `me` is null without a session; `users` needs one, so it names the refusal.
        .json(&json!({ "query": "{ me { email } users(first: 1) { id } }" }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON")
}
