//! The real `auth` binary told to stop under load: SIGTERM, as `docker stop` sends it. Requests already
//! accepted complete, new connections are refused, the exit is 0 within the grace period, no
//! connection is left on the database, and the captured log holds no secret.

use std::process::Stdio;
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;

use crate::cluster::Cluster;
use crate::helpers::SEED_PASSWORD;
use crate::invariants::assert_invariants;

const SECRET: &str = "reliability-secret-reliability-secret-0123";
const GRACE: Duration = Duration::from_secs(10);

/// Every line the process writes, from either stream, in one channel.
fn capture(stream: impl AsyncRead + Unpin + Send + 'static, lines: mpsc::UnboundedSender<String>) {
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            let _ = lines.send(line);
        }
    });
}

async fn sign_up(client: &reqwest::Client, base: &str, email: String) -> Value {
    client
        .post(format!("{base}/graphql"))
        .json(&json!({
            "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
            "variables": { "i": { "email": email, "password": SEED_PASSWORD } },
        }))
        .send()
        .await
        .expect("sent before the stop")
        .json()
        .await
        .expect("a JSON answer")
}

#[tokio::test]
async fn sigterm_under_load_drains_exits_zero_and_leaves_nothing_open() {
    let cluster = Cluster::create();
    cluster.start();
    let mut child = Command::new(env!("CARGO_BIN_EXE_auth"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PORT", "0")
        .env("AUTH_HOST", "127.0.0.1")
        .env("AUTH_DATABASE_URL", cluster.url())
        .env("AUTH_JWT_SECRET", SECRET)
        // A real cost, so that sign-ups are still running when the signal arrives.
        .env("AUTH_BCRYPT_COST", "12")
        .env("AUTH_SHUTDOWN_GRACE_MS", GRACE.as_millis().to_string())
        .env("AUTH_LOG_LEVEL", "debug")
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

    let client = reqwest::Client::new();
    let in_flight = {
        let (client, base) = (client.clone(), base.clone());
        tokio::spawn(async move {
            join_all((0..4).map(|i| sign_up(&client, &base, format!("drain{i}@example.com")))).await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pid = child.id().expect("running").to_string();
    let signalled = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(kill.success());

    let answers = in_flight.await.expect("task");
    for answer in &answers {
        assert!(
            answer["errors"].is_null(),
            "accepted before the stop: {answer}"
        );
    }
    let exit = tokio::time::timeout(GRACE + Duration::from_secs(5), child.wait())
        .await
        .expect("auth exits within its grace period")
        .expect("wait");
    while let Ok(line) = lines.try_recv() {
        log.push(line);
    }
    let log = log.join("\n");
    assert!(exit.success(), "exit status {exit}; log:\n{log}");
    assert!(signalled.elapsed() < GRACE + Duration::from_secs(1));

    let refused = client
        .get(format!("{base}/api/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "new connections are refused after exit");

    let admin = sqlx::PgPool::connect(&cluster.url()).await.expect("admin");
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jobber-auth'",
    )
    .fetch_one(&admin)
    .await
    .expect("count");
    assert_eq!(open, 0, "no connection left open");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&admin)
        .await
        .expect("count");
    assert_eq!(users, 4, "every accepted sign-up was stored");

    for secret in [SEED_PASSWORD, SECRET, "$2b$", "$2a$"] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
    assert_invariants(&cluster, SEED_PASSWORD).await;
}
