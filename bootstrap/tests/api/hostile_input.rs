//! Hostile input over HTTP: bytes and strings a careless or malicious client sends. Each must get a
//! clear 4xx or a coded GraphQL error, never a 5xx, and no answer may carry SQL or internal text. The
//! store must hold nothing half-written afterwards.

use serde_json::{Value, json};

use crate::helpers::{SEED_PASSWORD, TestApp, assert_no_secrets, error_code};

/// Text no client should ever see: storage, Rust and hashing internals.
const INTERNAL: &[&str] = &[
    "sqlx",
    "postgres",
    "SQLSTATE",
    "syntax error",
    "panicked",
    "src/",
    "$2b$",
];

async fn post_bytes(app: &TestApp, body: Vec<u8>) -> (u16, String) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

fn assert_clean(status: u16, body: &str) {
    assert!(status < 500, "{status}: {body}");
    for internal in INTERNAL {
        assert!(!body.contains(internal), "{internal:?} in {body}");
    }
    assert_no_secrets(body);
}

fn sign_up(email: &str, password: &str) -> Vec<u8> {
    json!({
        "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
        "variables": { "i": { "email": email, "password": password } },
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn hostile_emails_are_stored_whole_or_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let long = format!("{}@example.com", "a".repeat(10_000));
    // validator.js allows any non-ASCII letter in a local part, bidi and zero-width marks among them,
    // so some of these are valid addresses; the rest must be refused by rule.
    let mut created: i64 = 0;
    for email in [
        "nul\u{0}byte@example.com",
        "\u{202e}moc.elpmaxe@evil.com",
        "zero\u{200b}width@example.com",
        "label@exam\u{200b}ple.com",
        long.as_str(),
        "' OR 1=1 --@example.com",
        "a@b.c\u{0}om",
        "",
    ] {
        let (status, body) = post_bytes(&app, sign_up(email, SEED_PASSWORD)).await;
        assert_clean(status, &body);
        let body: Value = serde_json::from_str(&body).expect("JSON");
        if body["errors"].is_null() {
            created += 1;
            continue;
        }
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{email:?}: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["fields"][0]["field"], "email",
            "{body}"
        );
    }
    assert!(
        created < 8,
        "NUL bytes, 10 KB and SQL are never valid addresses"
    );
    assert_eq!(app.count_users().await, created, "nothing was half-written");
}

#[tokio::test]
async fn hostile_passwords_are_refused_by_rule_never_stored_or_echoed() {
    let app = TestApp::spawn().await;
    for password in [
        "Nul\u{0}Byte1!",
        &format!("Aa1!{}", "x".repeat(1_000)),
        "short",
    ] {
        let (status, body) = post_bytes(&app, sign_up("a@example.com", password)).await;
        assert_clean(status, &body);
        let body: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["fields"][0]["field"], "password",
            "{body}"
        );
        assert!(
            !body.to_string().contains(password),
            "the password is not echoed"
        );
    }
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn broken_bytes_and_escapes_are_400_not_500() {
    let app = TestApp::spawn().await;
    let mut invalid_utf8 = br#"{"query":"{ me { id } }","x":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0x80]);
    invalid_utf8.extend_from_slice(br#""}"#);
    let bodies: Vec<Vec<u8>> = vec![
        invalid_utf8,
        // A lone surrogate: valid JSON syntax, not a Unicode scalar value.
        br#"{"query":"{ me { id } }","variables":{"x":"\ud800"}}"#.to_vec(),
        br#"{"query":"{ me { id } }\u0000"}"#.to_vec(),
        br#"{"query":"\x41"}"#.to_vec(),
        b"\0\0\0\0".to_vec(),
        Vec::new(),
        br#"{"query": 5}"#.to_vec(),
        br#"{"query":"{ me { id } }","variables":[1,2]}"#.to_vec(),
        br#"{"query":"{ me { id } }","operationName":{"a":1}}"#.to_vec(),
    ];
    for body in bodies {
        let shown = String::from_utf8_lossy(&body).into_owned();
        let (status, answer) = post_bytes(&app, body).await;
        assert_clean(status, &answer);
        let answer: Value = serde_json::from_str(&answer).expect("a JSON answer");
        assert!(
            error_code(&answer).is_some(),
            "{shown:?} got {status} {answer}"
        );
    }
}

#[tokio::test]
async fn thousands_of_aliases_and_directives_and_deep_nesting_never_fail_the_server() {
    let app = TestApp::spawn().await;
    let caller = app.sign_in().await;
    assert!(!caller.is_empty());
    // Cheap selections within the limits are served: the caller is looked up once per request, however
    // many aliases ask.
    let aliases: String = (0..3_000).map(|i| format!("a{i}: me {{ id }} ")).collect();
    let answer = app.graphql(&format!("{{ {aliases} }}")).await;
    assert!(answer["errors"].is_null(), "{}", &answer.to_string()[..200]);
    assert_eq!(answer["data"]["a2999"]["id"], answer["data"]["a0"]["id"]);
    // A repeated non-repeatable directive and nesting past the depth limit are refused before
    // anything runs.
    let directives = "@skip(if: false) ".repeat(3_000);
    let nested = format!("{{ me {}{} }}", "{ me ".repeat(200), "}".repeat(200));
    for query in [format!("{{ me {directives} {{ id }} }}"), nested] {
        let body = json!({ "query": query }).to_string().into_bytes();
        let (status, answer) = post_bytes(&app, body).await;
        assert_clean(status, &answer);
        let answer: Value = serde_json::from_str(&answer).expect("JSON");
        let code = error_code(&answer).unwrap_or_default();
        assert!(
            code == "GRAPHQL_VALIDATION_FAILED" || code == "GRAPHQL_PARSE_FAILED",
            "{status} {code}"
        );
    }
}
