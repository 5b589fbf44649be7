{% import "_macros.j2" as m %}
//! Every operation needs a session, which the auth service vouches for on every request: no session,
//! or one auth refuses, is `UNAUTHENTICATED`; auth down, slow or confused is `UNAVAILABLE`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{ALICE, Behaviour, CREATE, DELETE, LIST, READ, TestApp, UPDATE, error_code, full_input};

/// Every operation, as a request body.
fn operations() -> Vec<Value> {
    vec![
        json!({ "query": READ, "variables": { "id": "1" } }),
        json!({ "query": LIST }),
        json!({ "query": CREATE, "variables": { "input": full_input() } }),
        json!({ "query": UPDATE, "variables": { "id": "1", "input": {} } }),
        json!({ "query": DELETE, "variables": { "id": "1" } }),
    ]
}

#[tokio::test]
async fn without_a_session_every_operation_is_unauthenticated() {
    let app = TestApp::spawn_sqlite().await;
    for body in operations() {
        for token in [None, Some("not-a-session")] {
            let answer = app.graphql_as(token, body.clone()).await;
            assert_eq!(error_code(&answer), Some("UNAUTHENTICATED"), "{token:?}: {answer}");
        }
    }
    assert!(app.page(ALICE, None, None).await.is_empty(), "nothing was written");
}

#[tokio::test]
async fn the_typename_and_introspection_need_no_session() {
    let app = TestApp::spawn_sqlite().await;
    let body = app.query_as(None, "{ __typename }").await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
    let body = app
        .query_as(None, "{ __schema { queryType { name } } }")
        .await;
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query", "{body}");
    assert_eq!(app.auth.calls(), 0, "nothing asked auth");
}

#[tokio::test]
async fn a_session_auth_revokes_stops_working_at_once() {
    let app = TestApp::spawn_sqlite().await;
    app.create(ALICE, full_input()).await;
    let before = app.auth.calls();
    assert_eq!(app.page(ALICE, None, None).await.len(), 1);
    assert_eq!(app.auth.calls(), before + 1, "every request asks auth");
    app.auth.revoke(ALICE);
    let body = app.graphql_as(Some(ALICE), json!({ "query": LIST })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
}

#[tokio::test]
async fn the_cookie_works_and_a_bearer_header_wins_over_it() {
    let app = TestApp::spawn_sqlite().await;
    app.create(ALICE, full_input()).await;
    let send = |cookie: &str, bearer: Option<&str>| {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .header("cookie", format!("theme=dark; Authentication={cookie}"))
            .json(&json!({ "query": LIST }));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        async move {
            request
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };
    let by_cookie = send(ALICE, None).await;
    assert_eq!(by_cookie["data"]["{{ plural.camel }}"].as_array().map(Vec::len), Some(1), "{by_cookie}");
    let bearer_wins = send(ALICE, Some("not-a-session")).await;
    assert_eq!(error_code(&bearer_wins), Some("UNAUTHENTICATED"), "{bearer_wins}");
}

#[tokio::test]
async fn auth_down_slow_failing_or_confused_is_unavailable_never_internal() {
    let app = TestApp::spawn_sqlite().await;
    for behaviour in [Behaviour::Failing, Behaviour::Garbage, Behaviour::Slow] {
        app.auth.behave(behaviour);
        let started = Instant::now();
        let body = app.graphql_as(Some(ALICE), json!({ "query": LIST })).await;
        assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{behaviour:?}: {body}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{behaviour:?} took {:?}: the service waits 2 s for auth",
            started.elapsed()
        );
    }
    app.auth.stop();
    let body = app.graphql_as(Some(ALICE), json!({ "query": LIST })).await;
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "auth stopped: {body}");
    let ready = app
        .client
        .get(app.url("/api/ready"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ready.status(), 200, "readiness is the service's own database only");
}
