//! The HTTP-level rules around `/graphql` that every service shares: media types, size, batches,
//! methods, GraphiQL, introspection, request ids, probes and caching.

use serde_json::{Value, json};

use crate::helpers::{ALICE, TestApp, error_code, full_input};

async fn post_raw(app: &TestApp, content_type: Option<&str>, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn only_json_bodies_of_one_operation_under_the_limit_are_accepted() {
    let app = TestApp::spawn_sqlite().await;
    let query = json!({ "query": "{ __typename }" }).to_string();
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let (status, body) = post_raw(&app, content_type, query.clone()).await;
        assert_eq!((status, error_code(&body)), (415, Some("UNSUPPORTED_MEDIA_TYPE")), "{content_type:?}");
    }
    let (status, _) = post_raw(&app, Some("application/json; charset=utf-8"), query.clone()).await;
    assert_eq!(status, 200);
    let batch = format!("[{query}, {query}]");
    let (status, body) = post_raw(&app, Some("application/json"), batch).await;
    assert_eq!((status, error_code(&body)), (400, Some("BATCH_NOT_SUPPORTED")), "{body}");
    for broken in ["{\"query\": ", "{\"nothing\": 1}", "{\"query\": \"  \"}"] {
        let (status, body) = post_raw(&app, Some("application/json"), broken).await;
        assert_eq!((status, error_code(&body)), (400, Some("BAD_REQUEST")), "{broken}: {body}");
    }
    let big = json!({ "query": "{ __typename }", "pad": "x".repeat(70 * 1024) }).to_string();
    let (status, body) = post_raw(&app, Some("application/json"), big).await;
    assert_eq!((status, error_code(&body)), (413, Some("PAYLOAD_TOO_LARGE")), "{body}");
}

#[tokio::test]
async fn mutations_are_post_only_and_queries_also_work_over_get() {
    let app = TestApp::spawn_sqlite().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", r#"mutation { delete{{ entity.pascal }}(id: "1") }"#)])
        .bearer_auth(ALICE)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
    app.create(ALICE, full_input()).await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ {{ plural.camel }} { id } }")])
        .bearer_auth(ALICE)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["{{ plural.camel }}"].as_array().map(Vec::len), Some(1), "{body}");
}

#[tokio::test]
async fn documents_that_do_not_parse_or_validate_or_are_too_costly_are_refused_with_codes() {
    let app = TestApp::spawn_sqlite().await;
    let body = app.query_as(Some(ALICE), "{ {{ plural.camel }} { id ").await;
    assert_eq!(error_code(&body), Some("GRAPHQL_PARSE_FAILED"), "{body}");
    let body = app.query_as(Some(ALICE), "{ {{ plural.camel }} { nonsense } }").await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body}");
    let body = app
        .query_as(Some(ALICE), "query A { __typename } query B { __typename }")
        .await;
    assert!(body["errors"].is_array(), "one operation per request: {body}");
    let aliases: String = (0..20)
        .map(|i| format!("a{i}: {{ plural.camel }}(first: 1000) {{ '{{' }} id {{ '}}' }} "))
        .collect();
    let body = app
        .query_as(Some(ALICE), &format!("{{ '{{' }} {aliases} {{ '}}' }}"))
        .await;
    assert!(body["errors"].is_array(), "complexity is capped: {body}");
    assert!(body["data"].is_null(), "{body}");
}

#[tokio::test]
async fn graphiql_is_served_on_get_and_introspection_can_be_turned_off() {
    let app = TestApp::spawn_sqlite().await;
    let page = app.client.get(app.url("/graphql")).send().await.expect("sent");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"), "GraphiQL page");
    let locked = TestApp::spawn_with(|s| {
        s.server.graphiql = false;
        s.server.introspection = false;
    })
    .await;
    let page = locked.client.get(locked.url("/graphql")).send().await.expect("sent");
    assert_eq!(page.status(), 404);
    let body = locked.query_as(None, "{ __schema { types { name } } }").await;
    assert!(body["errors"].is_array(), "{body}");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_is_never_cached() {
    let app = TestApp::spawn_sqlite().await;
    let response = app.client.get(app.url("/api/health")).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    let id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(id.len(), 36, "a UUID: {id:?}");
    assert_eq!(
        response.headers().get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let response = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", "trace-me")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("trace-me"));
}

#[tokio::test]
async fn health_and_readiness_answer_on_both_stores() {
    for app in [TestApp::spawn().await, TestApp::spawn_sqlite().await] {
        for path in ["/api/health", "/api/ready"] {
            let response = app.client.get(app.url(path)).send().await.expect("sent");
            assert_eq!(response.status(), 200, "{path}");
        }
    }
}

#[tokio::test]
async fn shutdown_finishes_and_closes_every_connection() {
    let mut app = TestApp::spawn_sqlite().await;
    app.create(ALICE, full_input()).await;
    app.stop().await.expect("the server stops cleanly");
    let refused = app
        .client
        .get(app.url("/api/health"))
        .timeout(std::time::Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "new connections are refused after shutdown");
}
