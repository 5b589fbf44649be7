//! Authentication end to end: login by cookie and by bearer, forged and stale tokens, the guards,
//! logout, revocation on password change, the lock (also across two replicas), the CSRF refusal, and
//! uniform login failures.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{
    SEED_NEW_PASSWORD, SEED_PASSWORD, TEST_JWT_SECRET, TestApp, error_code, error_message,
};

const ALICE: &str = "alice@example.com";

async fn with_alice(adjust: impl FnOnce(&mut bootstrap::Settings)) -> TestApp {
    let app = TestApp::spawn_with(adjust).await;
    let created = app.upsert(ALICE, SEED_PASSWORD, None).await;
    assert!(created["errors"].is_null(), "{created}");
    app
}

/// POSTs `{ me { email } users { email } }` with a raw header, as a client would send it.
async fn me_and_users(app: &TestApp, header: (&str, String)) -> Value {
    app.client
        .post(app.url("/graphql"))
        .header(header.0, header.1)
        .json(&json!({ "query": "{ me { email } users { email } }" }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON")
}

async fn login_body(app: &TestApp, email: &str, password: &str) -> Value {
    app.login_response(email, password)
        .await
        .json()
        .await
        .expect("JSON")
}

/// Claims as the service writes them for a user who never changed their password (version 1).
fn claims(sub: &str, iat: i64, exp: i64, aud: &str) -> Value {
    json!({ "sub": sub, "pv": 1, "iat": iat, "exp": exp, "iss": "jobber-auth", "aud": aud })
}

fn forge(algorithm: Algorithm, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()).expect("a key"),
    )
    .expect("encodes")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn login_sets_the_session_cookie_which_opens_the_guarded_queries() {
    let app = with_alice(|_| {}).await;
    let response = app.login_response("ALICE@example.com", SEED_PASSWORD).await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a Set-Cookie header")
        .to_owned();
    for part in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=3600",
    ] {
        assert!(cookie.split("; ").any(|p| p == part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Expires"), "Max-Age alone: {cookie}");
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .map(|v| v.as_bytes()),
        Some(&b"no-store"[..]),
        "no cache may keep a session cookie"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["login"]["email"], ALICE);

    let pair = cookie.split(';').next().expect("name=value").to_owned();
    let body = me_and_users(&app, ("Cookie", pair)).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["me"]["email"], ALICE);
    assert_eq!(body["data"]["users"], json!([{ "email": ALICE }]));
}

#[tokio::test]
async fn the_same_token_works_as_a_bearer_and_at_api_authenticate() {
    let app = with_alice(|_| {}).await;
    let token = app.log_in(ALICE, SEED_PASSWORD).await;
    let body = me_and_users(&app, ("Authorization", format!("Bearer {token}"))).await;
    assert_eq!(body["data"]["me"]["email"], ALICE, "{body}");

    let authenticated = app
        .client
        .get(app.url("/api/authenticate"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent");
    assert_eq!(authenticated.status(), 200);
    assert_eq!(
        authenticated
            .headers()
            .get("cache-control")
            .map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let user: Value = authenticated.json().await.expect("JSON");
    assert_eq!(user["email"], ALICE);
    assert!(user.get("password").is_none() && user.get("passwordHash").is_none());

    let anonymous = app
        .client
        .get(app.url("/api/authenticate"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.expect("JSON");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn forged_and_stale_tokens_are_unauthenticated() {
    let app = with_alice(|_| {}).await;
    let token = app.log_in(ALICE, SEED_PASSWORD).await;
    let id = "1";
    let mut tampered = token.clone();
    let last = tampered.pop().expect("non-empty");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let none_payload = URL_SAFE_NO_PAD.encode(claims(id, now(), now() + 600, "jobber").to_string());
    let cases = [
        ("a tampered signature", tampered),
        (
            "an expired token",
            forge(
                Algorithm::HS256,
                &claims(id, now() - 7_200, now() - 3_600, "jobber"),
            ),
        ),
        ("alg=none", format!("{none_header}.{none_payload}.")),
        (
            "a wrong audience",
            forge(Algorithm::HS256, &claims(id, now(), now() + 600, "billing")),
        ),
        (
            "another HMAC algorithm",
            forge(Algorithm::HS512, &claims(id, now(), now() + 600, "jobber")),
        ),
        ("garbage", "not.a.token".to_owned()),
        (
            "a token without a password version, as issued before sessions were bound to one",
            forge(Algorithm::HS256, &{
                let mut old = claims(id, now(), now() + 600, "jobber");
                old.as_object_mut().expect("object").remove("pv");
                old
            }),
        ),
        (
            "a token of another password version",
            forge(Algorithm::HS256, &{
                let mut other = claims(id, now(), now() + 600, "jobber");
                other["pv"] = json!(2);
                other
            }),
        ),
    ];
    for (what, forged) in cases {
        let body = me_and_users(&app, ("Authorization", format!("Bearer {forged}"))).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{what}: {body}");
        assert!(
            body["data"].is_null() || body["data"]["me"].is_null(),
            "{what}: {body}"
        );
    }
    // The control: the same claims, correctly signed, are accepted.
    let genuine = forge(Algorithm::HS256, &claims(id, now(), now() + 600, "jobber"));
    let body = me_and_users(&app, ("Authorization", format!("Bearer {genuine}"))).await;
    assert_eq!(body["data"]["me"]["email"], ALICE, "{body}");
}

#[tokio::test]
async fn the_guards_hold_and_sign_up_stays_public() {
    let app = TestApp::spawn().await;
    for query in [
        "{ users { id } }",
        r#"{ user(id: "1") { id } }"#,
        r#"{ userByEmail(email: "a@b.co") { id } }"#,
    ] {
        let body = app.graphql(query).await;
        assert_eq!(
            error_code(&body),
            Some("UNAUTHENTICATED"),
            "{query}: {body}"
        );
    }
    let me = app.graphql("{ me { id } }").await;
    assert_eq!(me, json!({ "data": { "me": null } }));
    let created = app.upsert(ALICE, SEED_PASSWORD, None).await;
    assert!(created["errors"].is_null(), "{created}");
}

#[tokio::test]
async fn logout_clears_the_cookie() {
    let app = with_alice(|_| {}).await;
    let token = app.log_in(ALICE, SEED_PASSWORD).await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("Cookie", format!("Authentication={token}"))
        .json(&json!({ "query": "mutation { logout }" }))
        .send()
        .await
        .expect("sent");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("Set-Cookie")
        .to_owned();
    assert!(
        cookie.starts_with("Authentication=; Max-Age=0;"),
        "{cookie}"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["logout"], true);
}

#[tokio::test]
async fn a_password_change_revokes_the_tokens_issued_before_it() {
    let app = with_alice(|_| {}).await;
    let old = app.log_in(ALICE, SEED_PASSWORD).await;
    // Token times are whole seconds: the change must fall in a later second to revoke.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let changed = app
        .upsert(ALICE, SEED_PASSWORD, Some(SEED_NEW_PASSWORD))
        .await;
    assert!(changed["errors"].is_null(), "{changed}");
    let body = me_and_users(&app, ("Authorization", format!("Bearer {old}"))).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let fresh = app.log_in(ALICE, SEED_NEW_PASSWORD).await;
    let body = me_and_users(&app, ("Authorization", format!("Bearer {fresh}"))).await;
    assert_eq!(body["data"]["me"]["email"], ALICE, "{body}");
}

fn strict_lock(s: &mut bootstrap::Settings) {
    s.modules.users.lockout_threshold = 3;
    s.modules.users.lockout_base_seconds = 2;
    s.modules.users.lockout_max_seconds = 60;
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password_until_it_expires() {
    let app = with_alice(strict_lock).await;
    for _ in 0..3 {
        let body = login_body(&app, ALICE, "Wrong-Pass1").await;
        assert_eq!(error_code(&body), Some("INVALID_CREDENTIALS"), "{body}");
    }
    let locked = login_body(&app, ALICE, SEED_PASSWORD).await;
    assert_eq!(
        error_code(&locked),
        Some("INVALID_CREDENTIALS"),
        "a lock answers as a wrong password does: {locked}"
    );
    let upsert = app.upsert(ALICE, SEED_PASSWORD, None).await;
    assert_eq!(
        error_code(&upsert),
        Some("INVALID_CURRENT_PASSWORD"),
        "upsertUser's password check is locked too: {upsert}"
    );
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let after = login_body(&app, ALICE, SEED_PASSWORD).await;
    assert!(after["errors"].is_null(), "the lock expired: {after}");
    // The success reset the count: two more failures do not lock again.
    for _ in 0..2 {
        login_body(&app, ALICE, "Wrong-Pass1").await;
    }
    let still_open = login_body(&app, ALICE, SEED_PASSWORD).await;
    assert!(still_open["errors"].is_null(), "{still_open}");
}

#[tokio::test]
async fn two_replicas_on_one_database_share_the_count() {
    let first = with_alice(strict_lock).await;
    let second = first.spawn_replica(strict_lock).await;
    login_body(&first, ALICE, "Wrong-Pass1").await;
    login_body(&second, ALICE, "Wrong-Pass1").await;
    login_body(&first, ALICE, "Wrong-Pass1").await;
    for replica in [&first, &second] {
        let body = login_body(replica, ALICE, SEED_PASSWORD).await;
        assert_eq!(error_code(&body), Some("INVALID_CREDENTIALS"), "{body}");
    }
}

#[tokio::test]
async fn a_burst_of_concurrent_guesses_gets_no_more_checks_than_the_threshold() {
    let app = with_alice(strict_lock).await;
    let guesses = (0..12).map(|_| login_body(&app, ALICE, "Wrong-Pass1"));
    for body in futures::future::join_all(guesses).await {
        assert_eq!(error_code(&body), Some("INVALID_CREDENTIALS"), "{body}");
    }
    // Every admitted check is counted before its bcrypt runs and a refused one writes nothing, so the
    // stored count is the number of guesses that were actually checked.
    let checked: i32 = sqlx::query_scalar("SELECT failures FROM login_attempts")
        .fetch_one(&app.pg().pool)
        .await
        .expect("one account's record");
    assert_eq!(checked, 3, "12 guesses at once, threshold 3");
}

#[tokio::test]
async fn cookie_carrying_form_posts_are_refused_before_anything_runs() {
    let app = with_alice(|_| {}).await;
    let token = app.log_in(ALICE, SEED_PASSWORD).await;
    let mutation = r#"{"query":"mutation { upsertUser(upsertUserInput: { email: \"csrf@example.com\", password: \"MyPassword1!\" }) { id } }"}"#;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("Content-Type", content_type)
            .header("Cookie", format!("Authentication={token}"))
            .body(mutation)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 415, "{content_type}");
    }
    assert_eq!(app.count_users().await, 1, "no form post created a user");
}

#[tokio::test]
async fn unknown_emails_wrong_passwords_and_locks_get_one_answer_in_about_the_same_time() {
    // A real cost, so that skipping bcrypt for unknown emails would show. The four wrong passwords
    // lock the account, so the third row is a locked account given its right password.
    let app = with_alice(|s| {
        s.modules.users.bcrypt_cost = 10;
        s.modules.users.lockout_threshold = 4;
        s.modules.users.lockout_base_seconds = 600;
        s.modules.users.lockout_max_seconds = 600;
    })
    .await;
    let mut timed = Vec::new();
    for (email, password) in [
        (ALICE, "Wrong-Pass1"),
        ("nobody@example.com", "Wrong-Pass1"),
        (ALICE, SEED_PASSWORD),
    ] {
        // The first call warms the dummy hash; the median of the rest is compared.
        let mut samples = Vec::new();
        let mut answer = Value::Null;
        for _ in 0..4 {
            let started = Instant::now();
            answer = login_body(&app, email, password).await;
            samples.push(started.elapsed());
        }
        samples.sort();
        timed.push((answer, samples[2]));
    }
    let (wrong, wrong_time) = &timed[0];
    let (unknown, unknown_time) = &timed[1];
    assert_eq!(error_code(wrong), Some("INVALID_CREDENTIALS"));
    assert_eq!(error_code(unknown), error_code(wrong));
    assert_eq!(error_message(unknown), error_message(wrong));
    assert!(
        unknown_time.as_secs_f64() >= 0.5 * wrong_time.as_secs_f64(),
        "an unknown email answered in {unknown_time:?}, a wrong password in {wrong_time:?}"
    );
    let (locked, locked_time) = &timed[2];
    assert_eq!(error_code(locked), error_code(wrong), "{locked}");
    assert_eq!(error_message(locked), error_message(wrong));
    assert!(
        locked_time.as_secs_f64() >= 0.5 * wrong_time.as_secs_f64(),
        "a locked account answered in {locked_time:?}, a wrong password in {wrong_time:?}"
    );
}
