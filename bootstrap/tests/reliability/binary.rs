//! The real `auth` binary, run as an operator runs it: configured by environment only, on loopback,
//! with both of its output streams captured so that tests can read its log.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

pub const SEED_PASSWORD: &str = "MyPassword1!";
pub const JWT_SECRET: &str = "reliability-secret-reliability-secret-0123";
const CALLER: &str = "caller@example.com";

pub struct Service {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
    token: Option<String>,
    lines: mpsc::UnboundedReceiver<String>,
    pub log: Vec<String>,
}

/// Every line the process writes, from either stream, into one channel.
fn capture(stream: impl AsyncRead + Unpin + Send + 'static, lines: mpsc::UnboundedSender<String>) {
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            let _ = lines.send(line);
        }
    });
}

impl Service {
    /// Starts `auth` on `database_url` with `env` on top of a cleared environment, and waits for the
    /// line that says where it serves.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_auth"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PORT", "0")
            .env("AUTH_HOST", "127.0.0.1")
            .env("AUTH_DATABASE_URL", database_url)
            .env("AUTH_JWT_SECRET", JWT_SECRET)
            .env("AUTH_BCRYPT_COST", "4")
            .env("AUTH_LOG_LEVEL", "debug");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the auth binary starts");
        let (send, mut lines) = mpsc::unbounded_channel();
        capture(child.stdout.take().expect("stdout"), send.clone());
        capture(child.stderr.take().expect("stderr"), send);
        let mut log = Vec::new();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.recv().await {
                log.push(line.clone());
                if let Some(rest) = line.split("serving GraphQL at ").nth(1) {
                    let url = rest.split_whitespace().next().unwrap_or_default();
                    return url.trim_end_matches("/graphql").to_owned();
                }
            }
            panic!("auth exited before serving:\n{}", log.join("\n"));
        })
        .await
        .expect("auth serves within 30 s");
        Self {
            child,
            base,
            client: reqwest::Client::new(),
            token: None,
            lines,
            log,
        }
    }

    /// Everything the process has written so far.
    pub fn log(&mut self) -> String {
        while let Ok(line) = self.lines.try_recv() {
            self.log.push(line);
        }
        self.log.join("\n")
    }

    /// No password, hash or signing secret in anything the process has written.
    pub fn assert_log_has_no_secrets(&mut self) {
        let log = self.log();
        for secret in [SEED_PASSWORD, JWT_SECRET, "$2b$", "$2a$", "$2y$"] {
            assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
        }
        if let Some(token) = &self.token {
            assert!(!log.contains(token.as_str()), "a session token in the log");
        }
    }

    pub async fn graphql_with(&self, body: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("a JSON answer")
    }

    pub async fn graphql(&self, query: &str) -> Value {
        self.graphql_with(json!({ "query": query })).await
    }

    pub async fn upsert(&self, email: &str, password: &str) -> Value {
        self.graphql_with(json!({
            "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
            "variables": { "i": { "email": email, "password": password } },
        }))
        .await
    }

    /// `upsert` with an owned email and the seed password, for futures that outlive a loop's borrow.
    pub async fn upsert_owned(&self, email: String) -> Value {
        self.upsert(&email, SEED_PASSWORD).await
    }

    /// Signs up a caller, logs in, and sends its token with every later request.
    pub async fn sign_in(&mut self) {
        let created = self.upsert(CALLER, SEED_PASSWORD).await;
        assert!(created["errors"].is_null(), "{created}");
        let response = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({
                "query": "mutation($i: LoginInput!) { login(loginInput: $i) { id } }",
                "variables": { "i": { "email": CALLER, "password": SEED_PASSWORD } },
            }))
            .send()
            .await
            .expect("sent");
        let token = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .and_then(|pair| pair.strip_prefix("Authentication="))
            .expect("login sets the session cookie")
            .to_owned();
        self.token = Some(token);
    }

    /// The session token [`Self::sign_in`] got, to send from another replica.
    pub fn token(&self) -> Option<String> {
        self.token.clone()
    }

    /// Sends `token` with every later request, as a client that moved to this replica does.
    pub fn use_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    /// Changes the signed-in caller's password from the seed password to `new`.
    pub async fn change_password(&self, new: &str) -> Value {
        self.graphql_with(json!({
            "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
            "variables": { "i": { "email": CALLER, "password": SEED_PASSWORD, "newPassword": new } },
        }))
        .await
    }

    /// Waits until the process logs a line containing `needle`, for at most `limit`.
    pub async fn wait_for_log(&mut self, needle: &str, limit: Duration) {
        let found = tokio::time::timeout(limit, async {
            loop {
                if self.log.iter().any(|line| line.contains(needle)) {
                    return;
                }
                match self.lines.recv().await {
                    Some(line) => self.log.push(line),
                    None => std::future::pending().await,
                }
            }
        })
        .await;
        assert!(
            found.is_ok(),
            "no {needle:?} within {limit:?}:\n{}",
            self.log()
        );
    }

    pub async fn ready_status(&self) -> u16 {
        self.client
            .get(format!("{}/api/ready", self.base))
            .send()
            .await
            .map_or(0, |r| r.status().as_u16())
    }

    /// SIGTERM, as `docker stop` sends it.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running").to_string();
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(kill.success());
    }
}
