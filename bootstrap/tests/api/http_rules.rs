//! The HTTP-level rules around `/graphql`: media types, size, batches, methods, GraphiQL, introspection.

use serde_json::{Value, json};

use crate::helpers::{CALLER, TestApp, error_code};

async fn post_raw(
    app: &TestApp,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn only_json_bodies_are_accepted() {
    let app = TestApp::spawn().await;
    let query = json!({ "query": "{ users { id } }" }).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let (status, body) = post_raw(&app, content_type, query.clone()).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert_eq!(
            error_code(&body),
            Some("UNSUPPORTED_MEDIA_TYPE"),
            "{content_type:?}"
        );
    }
    let (status, _) = post_raw(&app, Some("application/json; charset=utf-8"), query).await;
    assert_eq!(status, 200, "parameters on the JSON media type are fine");
}

#[tokio::test]
async fn batches_and_malformed_json_are_refused_clearly() {
    let app = TestApp::spawn().await;
    let batch =
        json!([{ "query": "{ users { id } }" }, { "query": "{ users { id } }" }]).to_string();
    let (status, body) = post_raw(&app, Some("application/json"), batch).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, Some("BATCH_NOT_SUPPORTED")),
        "{body}"
    );
    let (status, body) = post_raw(&app, Some("application/json"), "{\"query\": ").await;
    assert_eq!(
        (status, error_code(&body)),
        (400, Some("BAD_REQUEST")),
        "{body}"
    );
    let (status, body) = post_raw(&app, Some("application/json"), "{\"nothing\": 1}").await;
    assert_eq!(
        (status, error_code(&body)),
        (400, Some("BAD_REQUEST")),
        "{body}"
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_with_or_without_content_length() {
    let app = TestApp::spawn().await;
    let big = format!(
        "{{\"query\": \"{{ users {{ id }} }}\", \"pad\": \"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let (status, body) = post_raw(&app, Some("application/json"), big.clone()).await;
    assert_eq!(
        (status, error_code(&body)),
        (413, Some("PAYLOAD_TOO_LARGE")),
        "with Content-Length"
    );
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(8192)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    let streamed = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let (status, body) = post_raw(&app, Some("application/json"), streamed).await;
    assert_eq!(
        (status, error_code(&body)),
        (413, Some("PAYLOAD_TOO_LARGE")),
        "chunked, no Content-Length"
    );
}

#[tokio::test]
async fn mutations_are_post_only_but_queries_work_over_get() {
    let app = TestApp::spawn().await;
    let mutation = r#"mutation { upsertUser(upsertUserInput: { email: "get@example.com", password: "MyPassword1!" }) { id } }"#;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", mutation)])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    assert_eq!(app.count_users().await, 0);

    let token = app.sign_in().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ users { email } }")])
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["users"], json!([{ "email": CALLER }]));

    let response = app
        .client
        .put(app.url("/graphql"))
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn graphiql_is_served_on_get_and_can_be_turned_off_with_introspection() {
    let app = TestApp::spawn().await;
    let page = app
        .client
        .get(app.url("/graphql"))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        header("content-security-policy"),
        adapters::http::GRAPHIQL_POLICY
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("x-frame-options"), "DENY");
    let html = page.text().await.expect("html");
    assert!(html.contains("/graphiql/start.js"), "GraphiQL page");
    assert!(!html.contains("http://") && !html.contains("https://"));
    let script = app
        .client
        .get(app.url("/graphiql/start.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(script.status(), 200);

    let locked = TestApp::spawn_with(|s| {
        s.server.graphiql = false;
        s.server.introspection = false;
    })
    .await;
    let page = locked
        .client
        .get(locked.url("/graphql"))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 404);
    let script = locked
        .client
        .get(locked.url("/graphiql/start.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(script.status(), 404, "GraphiQL's files are off with it");
    let body = locked.graphql("{ __schema { types { name } } }").await;
    assert!(
        body["data"].is_null() || body["data"]["__schema"].is_null(),
        "{body}"
    );
    assert!(body["errors"].is_array(), "{body}");
    let open = app.graphql("{ __schema { queryType { name } } }").await;
    assert_eq!(open["data"]["__schema"]["queryType"]["name"], "Query");
}

/// The `x-request-id` that `/api/health` answers with, having been sent `sent`.
async fn echoed_request_id(app: &TestApp, sent: Option<&str>) -> String {
    let mut request = app.client.get(app.url("/api/health"));
    if let Some(id) = sent {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.expect("sent");
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let id = echoed_request_id(&app, None).await;
    assert!(is_uuid(&id), "a UUID: {id:?}");
    assert_eq!(echoed_request_id(&app, Some("trace-me")).await, "trace-me");
}

/// An id is echoed and logged with every line of its request, so an unbounded one was an amplifier.
#[tokio::test]
async fn a_long_or_unusual_client_request_id_is_replaced_by_a_fresh_uuid() {
    let app = TestApp::spawn().await;
    for sent in [
        "x".repeat(8_000),
        "x".repeat(129),
        "a b".to_owned(),
        "a/b".to_owned(),
    ] {
        let echoed = echoed_request_id(&app, Some(&sent)).await;
        assert!(
            is_uuid(&echoed),
            "{} characters sent, {echoed:?} echoed",
            sent.len()
        );
    }
    let longest = "a.b_c:d-".repeat(16);
    assert_eq!(echoed_request_id(&app, Some(&longest)).await, longest);
}

#[tokio::test]
async fn health_and_readiness_answer_while_the_database_is_up() {
    let app = TestApp::spawn().await;
    for path in ["/api/health", "/api/ready"] {
        let response = app.client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
    }
}

/// The router's body reader is the one cap; axum's own 2 MB default must not refuse what the
/// configured limit allows.
#[tokio::test]
async fn a_body_under_a_configured_limit_above_two_megabytes_is_served() {
    let app = TestApp::spawn_with(|s| s.server.body_limit_bytes = 4 * 1024 * 1024).await;
    let body = json!({ "query": "{ __typename }", "padding": "x".repeat(3 * 1024 * 1024) });
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["data"]["__typename"], "Query", "{answer}");
}
