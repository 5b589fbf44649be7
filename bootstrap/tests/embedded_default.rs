//! The first minute of a new user: the real `auth` binary, started in an empty directory with no
//! configuration at all, serves on the embedded SQLite default and keeps its data across a restart.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const STARTUP_LIMIT: Duration = Duration::from_secs(30);

struct Running {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    base: String,
    log: Vec<String>,
}

/// Starts `auth` in `dir` with an environment holding nothing of ours, so no AUTH_* variable, `.env`
/// or `auth.toml` of the developer's can leak in; waits for the line that says where it serves.
async fn start(dir: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_auth"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        // Port 0 is the only setting: two test runs must not fight over 3000.
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the auth binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut log = Vec::new();
    let base = tokio::time::timeout(STARTUP_LIMIT, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            log.push(line.clone());
            if let Some(rest) = line.split("serving GraphQL at ").nth(1) {
                // "http://localhost:PORT/graphql addr=0.0.0.0:PORT": the URL is the first word. The
                // service listens on every interface (IPv4), which includes loopback.
                let url = rest.split_whitespace().next().unwrap_or_default();
                assert!(
                    url.starts_with("http://localhost:"),
                    "a URL to click: {line}"
                );
                return url
                    .trim_end_matches("/graphql")
                    .replace("localhost", "127.0.0.1");
            }
        }
        panic!("auth exited before serving; its log:\n{}", log.join("\n"));
    })
    .await
    .unwrap_or_else(|_| panic!("auth did not serve within {STARTUP_LIMIT:?}"));
    Running {
        child,
        lines,
        base,
        log,
    }
}

impl Running {
    async fn graphql(&self, query: &str, variables: Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON body")
    }

    /// SIGTERM, as `docker stop` or Ctrl-C would send; the process must drain and exit 0.
    async fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .expect("auth exits within its grace period")
            .expect("wait");
        while let Ok(Some(line)) = self.lines.next_line().await {
            self.log.push(line);
        }
        assert!(
            exit.success(),
            "exit status {exit}; log:\n{}",
            self.log.join("\n")
        );
        self.log
    }
}

#[tokio::test]
async fn with_no_configuration_it_serves_on_sqlite_and_keeps_data_across_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = start(dir.path()).await;
    let startup = first.log.join("\n");
    assert!(
        startup.contains("embedded SQLite database at data/auth.db")
            && startup.contains("PostgreSQL is the production store"),
        "the start-up log says where the data lives and what production uses:\n{startup}"
    );
    assert!(
        startup.contains("AUTH_JWT_SECRET is not set")
            && startup.contains("will not survive a restart"),
        "without a secret the log warns that sessions end with the process:\n{startup}"
    );

    let graphiql = reqwest::Client::new()
        .get(format!("{}/graphql", first.base))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("GET /graphql");
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.expect("body").contains("graphiql"));

    let upsert =
        "mutation($input: UpsertUserInput!) { upsertUser(upsertUserInput: $input) { id email } }";
    let input = json!({ "input": { "email": "Keep@Example.com", "password": "MyPassword1!" } });
    let created = first.graphql(upsert, input).await;
    assert!(created["errors"].is_null(), "{created}");
    let log = first.stop().await.join("\n");
    for secret in ["MyPassword1!", "$2b$", "$2a$"] {
        assert!(!log.contains(secret), "a secret reached the log:\n{log}");
    }
    assert!(
        dir.path().join("data/auth.db").is_file(),
        "the data lives in ./data/auth.db"
    );

    // The new process signs with a new random secret, so the user logs in again: the stored hash
    // answering the password is the proof that the account outlived the restart.
    let second = start(dir.path()).await;
    let login = "mutation($input: LoginInput!) { login(loginInput: $input) { id email } }";
    let input = json!({ "input": { "email": "keep@example.com", "password": "MyPassword1!" } });
    let logged_in = second.graphql(login, input).await;
    assert_eq!(
        logged_in["data"]["login"], created["data"]["upsertUser"],
        "the user outlived the restart: {logged_in}"
    );
    second.stop().await;
}
