{% import "_macros.j2" as m %}
//! The first minute of a new user: the real binary, started in an empty directory with no configuration
//! but where the auth service is, serves on the embedded SQLite default and keeps its data across a
//! restart.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const STARTUP_LIMIT: Duration = Duration::from_secs(30);
const TOKEN: &str = "a-session-token";

struct Running {
    child: Child,
    _lines: Lines<BufReader<ChildStdout>>,
    base: String,
    log: Vec<String>,
}

/// An auth service that knows one session, caller 1's.
async fn stub_auth() -> String {
    let router = Router::new().route(
        "/api/authenticate",
        get(|headers: HeaderMap| async move {
            let bearer = headers.get("authorization").and_then(|v| v.to_str().ok());
            if bearer == Some(format!("Bearer {TOKEN}").as_str()) {
                axum::Json(json!({ "id": "1" })).into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// Starts the binary in `dir` with an environment holding nothing of ours but where auth is, so no
/// variable, `.env` or TOML file of the developer's can leak in; waits for the line that says where it
/// serves.
async fn start(dir: &Path, auth_url: &str) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_{{ name }}"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        // Port 0: two test runs must not fight over {{ port }}.
        .env("PORT", "0")
        .env("{{ prefix }}AUTH_URL", auth_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut log = Vec::new();
    let base = tokio::time::timeout(STARTUP_LIMIT, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            log.push(line.clone());
            if let Some(rest) = line.split("serving GraphQL at ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or_default();
                // The service listens on every interface and names it localhost; it listens on IPv4.
                return url.trim_end_matches("/graphql").replace("localhost", "127.0.0.1");
            }
        }
        panic!("the service exited before serving; its log:\n{}", log.join("\n"));
    })
    .await
    .unwrap_or_else(|_| panic!("the service did not serve within {STARTUP_LIMIT:?}"));
    Running {
        child,
        _lines: lines,
        base,
        log,
    }
}

async fn graphql(base: &str, query: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(TOKEN)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test]
async fn with_no_configuration_it_serves_from_sqlite_and_keeps_data_across_a_restart() {
    let dir = tempfile::tempdir().expect("a directory");
    let auth = stub_auth().await;
    let mut first = start(dir.path(), &auth).await;
    let said = first.log.join("\n");
    assert!(said.contains("data/{{ name }}.db"), "it says where the data lives:\n{said}");
    assert!(said.contains(&auth), "it says where it asks who is calling:\n{said}");
    let created = graphql(
        &first.base,
        r#"mutation { create{{ entity.pascal }}(input: { {{ m.create_literal(fields) }} }) { id } }"#,
    )
    .await;
    assert!(created["errors"].is_null(), "{created}");
    first.child.kill().await.expect("stopped");

    let second = start(dir.path(), &auth).await;
    let listed = graphql(&second.base, "{ {{ plural.camel }} { id } }").await;
    assert_eq!(
        listed["data"]["{{ plural.camel }}"],
        json!([{ "id": created["data"]["create{{ entity.pascal }}"]["id"] }]),
        "the row survived the restart"
    );
    assert!(dir.path().join("data/{{ name }}.db").is_file());
}
