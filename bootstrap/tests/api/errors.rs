//! Every error code the API documents, produced through the real stack.

use crate::helpers::{
    SEED_NEW_PASSWORD, SEED_PASSWORD, TestApp, error_code, error_message, test_settings,
};
use bootstrap::Application;

#[tokio::test]
async fn bad_user_input_names_every_field_and_every_rule() {
    let app = TestApp::spawn().await;
    let body = app.upsert("not-an-email", "password", Some("short")).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let fields = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .expect("fields");
    let named: Vec<(&str, Vec<&str>)> = fields
        .iter()
        .map(|f| {
            let rules = f["violations"]
                .as_array()
                .expect("violations")
                .iter()
                .filter_map(|v| v["rule"].as_str())
                .collect();
            (f["field"].as_str().unwrap_or_default(), rules)
        })
        .collect();
    assert_eq!(
        named,
        vec![
            ("email", vec!["isEmail"]),
            ("password", vec!["minUppercase", "minNumbers", "minSymbols"]),
            (
                "newPassword",
                vec!["minLength", "minUppercase", "minNumbers", "minSymbols"]
            ),
        ]
    );
    let message = error_message(&body);
    assert!(
        message.contains("email:") && message.contains("newPassword:"),
        "{message}"
    );
    assert_eq!(
        app.count_users().await,
        0,
        "nothing is written for bad input"
    );
}

#[tokio::test]
async fn a_password_bcrypt_would_truncate_is_refused_with_the_byte_limit() {
    let app = TestApp::spawn().await;
    let long = format!("Aa1!{}", "x".repeat(68));
    assert_eq!(long.len(), 72);
    let body = app.upsert("long@example.com", &long, None).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(error_message(&body).contains("71 bytes"), "{body}");
}

#[tokio::test]
async fn a_wrong_current_password_is_a_client_error_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let created = app.upsert("a@example.com", SEED_PASSWORD, None).await;
    let body = app
        .upsert("a@example.com", "WrongPass1!", Some(SEED_NEW_PASSWORD))
        .await;
    assert_eq!(
        error_code(&body),
        Some("INVALID_CURRENT_PASSWORD"),
        "{body}"
    );
    let again = app.upsert("a@example.com", SEED_PASSWORD, None).await;
    assert_eq!(
        again["data"], created["data"],
        "the stored user is untouched"
    );
}

#[tokio::test]
async fn query_arguments_are_validated_with_their_field_names() {
    let app = TestApp::spawn().await;
    app.sign_in().await;
    for (query, field) in [
        (r#"{ user(id: "abc") { id } }"#, "id"),
        (r#"{ user(id: "-1") { id } }"#, "id"),
        (r#"{ userByEmail(email: "nope") { id } }"#, "email"),
        ("{ users(first: 1001) { id } }", "first"),
        ("{ users(first: -1) { id } }", "first"),
        (r#"{ users(after: "x") { id } }"#, "after"),
    ] {
        let body = app.graphql(query).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["fields"][0]["field"], field,
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn absent_users_are_null_without_errors() {
    let app = TestApp::spawn().await;
    app.sign_in().await;
    let body = app
        .graphql(r#"{ user(id: 42) { id } userByEmail(email: "nobody@example.com") { id } }"#)
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert!(
        body["data"]["user"].is_null() && body["data"]["userByEmail"].is_null(),
        "{body}"
    );
}

#[tokio::test]
async fn a_corrupt_stored_hash_is_an_opaque_internal_error() {
    let app = TestApp::spawn().await;
    app.upsert("corrupt@example.com", SEED_PASSWORD, None).await;
    sqlx::query("UPDATE users SET password_hash = 'not-a-bcrypt-hash'")
        .execute(&app.pg().pool)
        .await
        .expect("corrupt");
    let body = app.upsert("corrupt@example.com", SEED_PASSWORD, None).await;
    assert_eq!(error_code(&body), Some("INTERNAL_SERVER_ERROR"), "{body}");
    assert_eq!(error_message(&body), "Internal server error.");
    assert!(!body.to_string().contains("not-a-bcrypt-hash"), "{body}");
}

#[tokio::test]
async fn parse_and_validation_failures_carry_apollo_codes() {
    let app = TestApp::spawn().await;
    let body = app.graphql("{ user(id: 1) { id ").await;
    assert_eq!(error_code(&body), Some("GRAPHQL_PARSE_FAILED"), "{body}");
    let body = app.graphql("{ user(id: 1) { passwordHash } }").await;
    assert_eq!(
        error_code(&body),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );
}

#[tokio::test]
async fn aliases_cannot_multiply_password_checks() {
    let app = TestApp::spawn().await;
    // One variable keeps a thousand aliases under the body limit, so the guard is what refuses them.
    let fields: String = (0..1000)
        .map(|i| format!("a{i}: upsertUser(upsertUserInput: $in) {{ id }} "))
        .collect();
    let body = app
        .graphql_with(serde_json::json!({
            "query": format!("mutation($in: UpsertUserInput!) {{ {fields} }}"),
            "variables": { "in": { "email": "x@example.com", "password": "MyPassword1!" } },
        }))
        .await;
    assert_eq!(
        error_code(&body),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{}",
        error_message(&body)
    );
    assert_eq!(app.count_users().await, 0, "no field ran");
}

#[tokio::test]
async fn an_unreachable_database_gives_unavailable_and_a_failing_readiness() {
    // The app starts (migrations off) while nothing listens on the database port.
    let mut settings = test_settings(
        Some("postgres://postgres@127.0.0.1:1/auth".to_owned()),
        "unused.db".into(),
    );
    settings.database.run_migrations = false;
    settings.database.db_acquire_timeout_ms = 500;
    let app = Application::build(&settings)
        .await
        .expect("starts without its database");
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();

    let health = client
        .get(format!("{address}/api/health"))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        health.status(),
        200,
        "liveness does not depend on the database"
    );
    let ready = client
        .get(format!("{address}/api/ready"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ready.status(), 503);

    let started = std::time::Instant::now();
    let response = client
        .post(format!("{address}/graphql"))
        .json(&serde_json::json!({ "query": format!(
            r#"mutation {{ upsertUser(upsertUserInput: {{ email: "down@example.com", password: "{SEED_PASSWORD}" }}) {{ id }} }}"#
        ) }))
        .send()
        .await
        .expect("sent");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "failed fast: {:?}",
        started.elapsed()
    );
    assert!(
        !body.to_string().contains("127.0.0.1"),
        "no connection details reach the client: {body}"
    );
    server.abort();
}
