//! Replays the repository's `users.http` against a fresh server and checks each `# expect:` line, so the
//! file people open is the file that is tested.

use serde_json::{Value, json};

use adapters::http::SESSION_COOKIE;

use crate::helpers::{
    SEED_PASSWORD, TestApp, assert_no_secrets, error_code, on_both_stores, session_cookie_value,
};

struct HttpRequest {
    title: String,
    expect: String,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn parse_users_http() -> Vec<HttpRequest> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../users.http"))
        .expect("users.http");
    text.split("\n###").skip(1).map(parse_block).collect()
}

fn parse_block(block: &str) -> HttpRequest {
    let mut lines = block.lines();
    let title = lines.next().unwrap_or_default().trim().to_owned();
    let mut expect = String::new();
    let mut request_line = String::new();
    for line in lines.by_ref() {
        if let Some(e) = line.strip_prefix("# expect:") {
            expect = e.trim().to_owned();
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            request_line = line.to_owned();
            break;
        }
    }
    let headers: Vec<(String, String)> = lines
        .by_ref()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_owned();
    let (method, url) = request_line
        .split_once(' ')
        .expect("request line has a method and a URL");
    let path = url
        .trim()
        .strip_prefix("http://localhost:3000")
        .expect("requests target localhost:3000")
        .to_owned();
    HttpRequest {
        title,
        expect,
        method: method.to_owned(),
        path,
        headers,
        body,
    }
}

on_both_stores!(every_request_in_users_http_behaves_as_annotated);

async fn every_request_in_users_http_behaves_as_annotated(app: &TestApp) {
    let requests = parse_users_http();
    assert!(
        requests.len() >= 10,
        "users.http parsed into {} requests",
        requests.len()
    );
    let mut created_at_first = None;
    // What both clients do with cookies: keep the last one set, send it back.
    let mut session: Option<String> = None;
    for request in &requests {
        assert!(
            !request.expect.is_empty(),
            "{}: every request says what it expects",
            request.title
        );
        let mut builder = app.client.request(
            request.method.parse().expect("method"),
            app.url(&request.path),
        );
        let graphql = request
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("X-REQUEST-TYPE") && v == "GraphQL");
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if graphql {
            // What both HTTP clients do with X-REQUEST-TYPE: GraphQL.
            builder = builder.body(json!({ "query": request.body }).to_string());
        }
        if let Some(token) = &session {
            builder = builder.header("Cookie", format!("{SESSION_COOKIE}={token}"));
        }
        let response = builder.send().await.expect("sent");
        if let Some(set) = response.headers().get("set-cookie") {
            let value = session_cookie_value(set.to_str().expect("ascii"));
            session = (!value.is_empty()).then(|| value.to_owned());
        }
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        assert_no_secrets(&text);
        if let Some(expected) = request.expect.strip_prefix("status ") {
            assert_eq!(status.to_string(), expected, "{}: {text}", request.title);
            continue;
        }
        assert_eq!(status, 200, "{}: {text}", request.title);
        let body: Value = serde_json::from_str(&text).expect("JSON");
        if request.expect == "data" {
            assert!(
                body.get("errors").is_none(),
                "{}: unexpected errors {text}",
                request.title
            );
        } else {
            assert_eq!(
                error_code(&body),
                Some(request.expect.as_str()),
                "{}: {text}",
                request.title
            );
        }
        if request.title == "Create a user" {
            assert_eq!(body["data"]["upsertUser"]["id"], "1");
            assert_eq!(body["data"]["upsertUser"]["email"], "my-email2@msn.com");
            created_at_first = body["data"]["upsertUser"]["createdAt"]
                .as_str()
                .map(str::to_owned);
        }
        if request.title == "Update password for a user" {
            let user = &body["data"]["upsertUser"];
            assert_eq!(
                user["createdAt"].as_str(),
                created_at_first.as_deref(),
                "createdAt never moves"
            );
            assert_ne!(
                user["updatedAt"], user["createdAt"],
                "a password change moves updatedAt"
            );
        }
    }
    assert_eq!(
        app.count_users().await,
        1,
        "the file creates exactly one user"
    );
    assert!(session.is_none(), "the file ends logged out");
    let unchanged = app.upsert("my-email2@msn.com", "MyPassword2!", None).await;
    assert!(
        unchanged["errors"].is_null(),
        "the new password is current: {unchanged}"
    );
    let old = app.upsert("my-email2@msn.com", SEED_PASSWORD, None).await;
    assert_eq!(error_code(&old), Some("INVALID_CURRENT_PASSWORD"));
}
