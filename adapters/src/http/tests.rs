//! The router's answers as a browser sees them: the headers every route carries, and GraphiQL's page,
//! policy and files, on a schema of one field.

use std::sync::Arc;

use async_graphql::{Context, EmptyMutation, EmptySubscription, Object, Schema};
use async_trait::async_trait;
use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;

use super::{
    ClientAddress, DEFAULT_POLICY, GRAPHIQL_POLICY, HttpSettings, ReadinessProbe, TrustedProxies,
    router,
};

struct Query;

#[Object]
impl Query {
    async fn ok(&self) -> bool {
        true
    }

    async fn echo(&self, n: i32) -> i32 {
        n
    }

    async fn fails(&self) -> async_graphql::Result<Option<bool>> {
        Err("it fails".into())
    }

    /// The address the limits kept per client see.
    async fn client(&self, ctx: &Context<'_>) -> String {
        ctx.data_unchecked::<ClientAddress>().0.to_string()
    }
}

struct Up;

#[async_trait]
impl ReadinessProbe for Up {
    async fn is_ready(&self) -> bool {
        true
    }
}

fn app(graphiql: bool) -> Router {
    app_behind(graphiql, TrustedProxies::default())
}

fn app_behind(graphiql: bool, trusted_proxies: TrustedProxies) -> Router {
    let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
    let settings = HttpSettings {
        graphiql,
        trusted_proxies,
        body_limit: 1024,
        body_read_timeout: std::time::Duration::from_secs(5),
        observe: super::Observe::default(),
    };
    router(schema, Router::new(), Arc::new(Up), settings)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8")
    }
}

async fn send(app: &Router, method: Method, uri: &str, json: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    let body = match json {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_owned())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).expect("a request"))
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Method::GET, uri, None).await
}

/// Each kind of answer: GraphiQL's page and files, results, refusals, probes, and unknown routes.
const REQUESTS: &[(&str, &str, Option<&str>)] = &[
    ("GET", "/graphql", None),
    ("GET", "/graphql?query=%7Bok%7D", None),
    ("POST", "/graphql", Some(r#"{"query": "{ ok }"}"#)),
    ("POST", "/graphql", Some("[]")),
    ("POST", "/graphql", None),
    ("PUT", "/graphql", None),
    ("GET", "/graphiql/start.js", None),
    ("GET", "/graphiql/graphiql-3.9.0.min.css", None),
    ("GET", "/graphiql/nothing.js", None),
    ("GET", "/api/health", None),
    ("GET", "/api/ready", None),
    ("GET", "/nowhere", None),
];

#[tokio::test]
async fn every_answer_is_nosniff_uncached_and_refuses_to_be_framed() {
    for graphiql in [true, false] {
        let app = app(graphiql);
        for (method, uri, json) in REQUESTS {
            let method = Method::from_bytes(method.as_bytes()).expect("a method");
            let answer = send(&app, method.clone(), uri, *json).await;
            let what = format!("{method} {uri} (GraphiQL {graphiql}): {}", answer.status);
            assert_eq!(
                answer.header(header::X_CONTENT_TYPE_OPTIONS),
                "nosniff",
                "{what}"
            );
            assert_eq!(answer.header(header::X_FRAME_OPTIONS), "DENY", "{what}");
            let policy = answer.header(header::CONTENT_SECURITY_POLICY);
            assert!(
                policy
                    .split(';')
                    .any(|d| d.trim() == "frame-ancestors 'none'"),
                "{what}: {policy:?}"
            );
            assert_eq!(answer.header(header::CACHE_CONTROL), "no-store", "{what}");
        }
    }
}

#[tokio::test]
async fn answers_other_than_the_page_may_load_nothing() {
    let app = app(true);
    for uri in [
        "/api/health",
        "/graphql?query=%7Bok%7D",
        "/graphiql/start.js",
    ] {
        let answer = get(&app, uri).await;
        assert_eq!(
            answer.header(header::CONTENT_SECURITY_POLICY),
            DEFAULT_POLICY,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_page_has_a_strict_policy_and_names_no_other_origin() {
    let page = get(&app(true), "/graphql").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let policy = page.header(header::CONTENT_SECURITY_POLICY);
    assert_eq!(policy, GRAPHIQL_POLICY);
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in {policy}"))
    };
    assert_eq!(directive("default-src"), "default-src 'none'");
    assert_eq!(directive("script-src"), "script-src 'self'");
    assert_eq!(directive("connect-src"), "connect-src 'self'");
    assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
    assert_eq!(directive("base-uri"), "base-uri 'none'");
    assert_eq!(directive("form-action"), "form-action 'none'");
    // Every source is a keyword ('self', 'none', …) or data:, never a host or a scheme of the network.
    for directive in policy.split(';') {
        for source in directive.split_whitespace().skip(1) {
            assert!(
                source.starts_with('\'') || source == "data:",
                "{source} names another origin"
            );
        }
    }
    assert!(
        !policy.contains("unsafe-eval") && !directive("script-src").contains("unsafe-inline"),
        "{policy}"
    );
    let html = page.text();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    assert!(html.contains("graphiql"));
}

#[tokio::test]
async fn every_file_the_page_names_is_served_with_its_type() {
    let app = app(true);
    let page = get(&app, "/graphql").await;
    let html = page.text();
    let files: Vec<&str> = html
        .split('"')
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    assert_eq!(files.len(), 6, "{files:?}");
    for file in files {
        let answer = get(&app, file).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}");
        let expected = if file.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(answer.header(header::CONTENT_TYPE), expected, "{file}");
        assert!(!answer.body.is_empty(), "{file}");
    }
    assert_eq!(
        get(&app, "/graphiql/nothing.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn with_graphiql_off_its_page_and_files_are_not_found() {
    let on = app(true);
    let off = app(false);
    let html = get(&on, "/graphql").await.text().to_owned();
    let mut uris: Vec<&str> = html
        .split('"')
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    uris.push("/graphql");
    for uri in uris {
        let answer = get(&off, uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(answer.text().contains("GraphiQL is disabled"), "{uri}");
    }
    let query = get(&off, "/graphql?query=%7Bok%7D").await;
    assert_eq!(query.status, StatusCode::OK, "queries over GET still work");
}

/// What `{ client }` answers for a request from `peer` that forwards `forwarded`.
async fn client_seen(app: &Router, peer: &str, forwarded: &str) -> String {
    let peer: std::net::SocketAddr = peer.parse().expect("an address");
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", forwarded)
        .body(Body::from(r#"{"query": "{ client }"}"#))
        .expect("a request");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    let response = app.clone().oneshot(request).await.expect("infallible");
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    body["data"]["client"]
        .as_str()
        .expect("a client")
        .to_owned()
}

#[tokio::test]
async fn resolvers_see_the_peer_or_what_a_trusted_proxy_forwarded() {
    let open = app(true);
    assert_eq!(
        client_seen(&open, "10.0.0.1:4000", "198.51.100.7").await,
        "10.0.0.1",
        "no proxy is trusted by default"
    );
    let proxied = app_behind(true, TrustedProxies::parse("10.0.0.0/8").expect("valid"));
    assert_eq!(
        client_seen(&proxied, "10.0.0.1:4000", "6.6.6.6, 198.51.100.7").await,
        "198.51.100.7"
    );
    assert_eq!(
        client_seen(&proxied, "203.0.113.1:4000", "198.51.100.7").await,
        "203.0.113.1",
        "a peer outside the trusted networks forwards nothing"
    );
}

/// Status, Content-Type and body of `POST /graphql` with `body`, accepting `accept`.
async fn post_accepting(
    accept: Option<&str>,
    body: &str,
) -> (StatusCode, String, serde_json::Value) {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    let response = app(true)
        .oneshot(
            request
                .body(Body::from(body.to_owned()))
                .expect("a request"),
        )
        .await
        .expect("infallible");
    let status = response.status();
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert_eq!(response.headers()[header::VARY], "accept");
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (
        status,
        content_type,
        serde_json::from_slice(&body).expect("JSON"),
    )
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Documents that never execute, as the spec lists them: a parse error, a validation error, and a
/// variable that does not coerce.
const REQUEST_ERRORS: &[&str] = &[
    r#"{"query": "{ ok"}"#,
    r#"{"query": "{ nope }"}"#,
    r#"{"query": "query($n: Int!) { echo(n: $n) }", "variables": {"n": "seven"}}"#,
];

#[tokio::test]
async fn clients_asking_for_graphql_response_json_get_400_and_no_data_for_request_errors() {
    for body in REQUEST_ERRORS {
        let (status, content_type, json) = post_accepting(Some(GRAPHQL_RESPONSE), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {json}");
        assert!(content_type.starts_with(GRAPHQL_RESPONSE), "{content_type}");
        assert!(json.get("data").is_none(), "{body}: {json}");
        assert!(json["errors"][0]["message"].is_string(), "{json}");
    }
}

#[tokio::test]
async fn executed_requests_are_200_in_either_type_even_with_field_errors() {
    for accept in [Some(GRAPHQL_RESPONSE), None] {
        let (status, _, json) = post_accepting(accept, r#"{"query": "{ ok fails }"}"#).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}: {json}");
        // It executed, so `data` is there, whatever the error nulled.
        assert!(json.get("data").is_some(), "{json}");
        assert_eq!(json["errors"][0]["path"][0], "fails", "{json}");
    }
}

#[tokio::test]
async fn todays_clients_get_json_and_200_for_request_errors_as_before() {
    for accept in [None, Some("*/*"), Some("application/json")] {
        for body in REQUEST_ERRORS {
            let (status, content_type, json) = post_accepting(accept, body).await;
            assert_eq!(status, StatusCode::OK, "{accept:?} {body}");
            assert!(
                content_type.starts_with("application/json"),
                "{content_type}"
            );
            assert!(
                json["data"].is_null() && json.get("data").is_some(),
                "{json}"
            );
        }
    }
}
