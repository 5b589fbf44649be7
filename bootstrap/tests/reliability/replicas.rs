//! Three replicas of the real binary started at once on one fresh database, with requests spread over
//! them: they race their migrations, and must then agree on sign-ups, lockout and revocation, and lose
//! nothing but what a stopped replica refused.

use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::{Value, json};

use crate::binary::{SEED_PASSWORD, Service};
use crate::cluster::Cluster;
use crate::invariants::assert_invariants;

const THRESHOLD: &str = "3";
const GUARDED: &str = "{ users(first: 1) { id } }";

fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// Three replicas spawned together, each ready (its migrations done) before this returns.
async fn three(cluster: &Cluster) -> Vec<Service> {
    let url = cluster.url();
    let env: &[(&str, &str)] = &[
        ("AUTH_LOCKOUT_THRESHOLD", THRESHOLD),
        ("AUTH_SHUTDOWN_GRACE_MS", "10000"),
    ];
    let (a, b, c) = tokio::join!(
        Service::start(&url, env),
        Service::start(&url, env),
        Service::start(&url, env)
    );
    let replicas = vec![a, b, c];
    for replica in &replicas {
        let deadline = Instant::now() + Duration::from_secs(10);
        while replica.ready_status().await != 200 {
            assert!(Instant::now() < deadline, "a replica not ready within 10 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    replicas
}

async fn login(replica: &Service, email: &str, password: &str) -> Value {
    replica
        .graphql_with(json!({
            "query": "mutation($i: LoginInput!) { login(loginInput: $i) { id } }",
            "variables": { "i": { "email": email, "password": password } },
        }))
        .await
}

/// A read that reports a refused or broken connection instead of panicking on it.
async fn read_or_refused(replica: &Service) -> Option<Value> {
    let response = replica
        .client
        .post(format!("{}/graphql", replica.base))
        .json(&json!({ "query": "{ __typename }" }))
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .ok()?;
    response.json().await.ok()
}

#[tokio::test]
async fn three_replicas_on_one_database_migrate_once_and_agree() {
    let cluster = Cluster::create();
    cluster.start();
    let mut replicas = three(&cluster).await;

    // Migrations: sqlx holds an advisory lock while it migrates, so one applies them and the others
    // find nothing pending.
    let logs: Vec<String> = replicas.iter_mut().map(Service::log).collect();
    let applied = logs
        .iter()
        .filter(|l| l.contains("migrations applied"))
        .count();
    let up_to_date = logs
        .iter()
        .filter(|l| l.contains("schema up to date; no migrations pending"))
        .count();
    assert_eq!(
        (applied, up_to_date),
        (1, 2),
        "one replica applies the migrations, the others find them applied"
    );

    // Sign-ups: 100 upserts of one new email, spread over the three.
    let email = "race@example.com";
    let bodies = join_all((0..100).map(|i| replicas[i % 3].upsert(email, SEED_PASSWORD))).await;
    let mut ids = std::collections::HashSet::new();
    for body in &bodies {
        match code(body) {
            None => {
                ids.insert(body["data"]["upsertUser"]["id"].to_string());
            }
            // A check that waited too long for the account's others is told to retry; anything else
            // is a failure.
            Some("RATE_LIMITED") => {}
            Some(_) => panic!("an upsert failed: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "every success is the same user: {ids:?}");
    let admin = sqlx::PgPool::connect(&cluster.url()).await.expect("admin");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&admin)
        .await
        .expect("counted");
    assert_eq!(rows, 1);

    // Lockout: guesses spread over the three are checked at most the threshold's number of times.
    let guesses =
        join_all((0..12).map(|i| login(&replicas[i % 3], email, "Wrong-Password1!"))).await;
    for body in &guesses {
        assert_eq!(code(body), Some("INVALID_CREDENTIALS"), "{body}");
    }
    let checked: i32 = sqlx::query_scalar(
        "SELECT failures FROM login_attempts JOIN users ON users.id = user_id WHERE email = $1",
    )
    .bind(email)
    .fetch_one(&admin)
    .await
    .expect("the account's record");
    assert_eq!(
        checked.to_string(),
        THRESHOLD,
        "12 guesses over three replicas"
    );

    // Revocation: a password change on one replica refuses older tokens on the other two within the
    // performance issue's 100 ms.
    replicas[0].sign_in().await;
    let token = replicas[0].token();
    for replica in &mut replicas[1..] {
        replica.use_token(token.clone());
        replica
            .wait_for_log("password version feed: listening", Duration::from_secs(10))
            .await;
        let allowed = replica.graphql(GUARDED).await;
        assert!(allowed["errors"].is_null(), "{allowed}");
    }
    let sent = Instant::now();
    let changed = replicas[0].change_password("MyNewPassword2!").await;
    assert!(changed["errors"].is_null(), "{changed}");
    for replica in &replicas[1..] {
        loop {
            let answer = replica.graphql(GUARDED).await;
            if code(&answer) == Some("UNAUTHENTICATED") {
                break;
            }
            assert!(answer["errors"].is_null(), "{answer}");
            assert!(
                sent.elapsed() < Duration::from_millis(100),
                "another replica accepted the old token 100 ms after the change was sent"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    // Back to the seed password, which the invariants check every stored hash against.
    let back = replicas[0]
        .graphql_with(json!({
            "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
            "variables": { "i": {
                "email": "caller@example.com",
                "password": "MyNewPassword2!",
                "newPassword": SEED_PASSWORD,
            } },
        }))
        .await;
    assert!(back["errors"].is_null(), "{back}");

    // Stopping a replica: SIGTERM to the third under load. What it had accepted completes, what it
    // refused after the signal is refused cleanly, and the other two serve every request.
    let stopped = &replicas[2];
    let on_stopped = join_all((0..40).map(|_| read_or_refused(stopped)));
    let on_others = join_all((0..80).map(|i| replicas[i % 2].graphql("{ __typename }")));
    let stop = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        stopped.terminate();
    };
    let (stopped_answers, other_answers, ()) = tokio::join!(on_stopped, on_others, stop);
    for answer in stopped_answers.iter().flatten() {
        assert!(
            answer["errors"].is_null(),
            "an accepted request failed: {answer}"
        );
    }
    for answer in &other_answers {
        assert!(answer["errors"].is_null(), "{answer}");
    }
    let after = join_all((0..20).map(|i| replicas[i % 2].graphql("{ __typename }"))).await;
    assert!(after.iter().all(|a| a["errors"].is_null()), "{after:?}");

    for replica in &mut replicas {
        replica.assert_log_has_no_secrets();
    }
    assert_invariants(&cluster, SEED_PASSWORD).await;
}
