//! The workloads of the benchmark, each checked for the right answer.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use futures::future::join_all;
use serde_json::{Value, json};

use crate::load::{Check, Load, MakeBody, Stats};
use crate::report::Report;
use crate::service::Service;
use crate::{Args, BCRYPT_CLIENTS, CLIENTS, USERS};

const PASSWORD: &str = "MyPassword1!";

fn email(n: usize) -> String {
    format!("bench-{n}@example.com")
}

fn upsert_body(email: &str, password: &str) -> Value {
    json!({
        "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
        "variables": { "i": { "email": email, "password": password } },
    })
}

fn no_errors(field: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v.get("errors").is_none() && !v["data"][field].is_null()
}

fn ok_user(v: &Value) -> bool {
    no_errors("user")(v)
}
fn ok_user_by_email(v: &Value) -> bool {
    no_errors("userByEmail")(v)
}
fn ok_users_100(v: &Value) -> bool {
    v.get("errors").is_none()
        && v["data"]["users"]
            .as_array()
            .is_some_and(|u| u.len() == 100)
}
fn ok_users_1000(v: &Value) -> bool {
    v.get("errors").is_none()
        && v["data"]["users"]
            .as_array()
            .is_some_and(|u| u.len() == USERS)
}
fn ok_upsert(v: &Value) -> bool {
    no_errors("upsertUser")(v)
}
fn refused_as_weak(v: &Value) -> bool {
    v["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
}

/// A cheap per-request spread over the seeded ids, so reads do not hit one cached row only.
fn pick(client: usize, seq: u64, ids: &[i64]) -> i64 {
    let mixed = (client as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ seq.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    ids[(mixed % ids.len() as u64) as usize]
}

pub async fn run_all(service: &Service, args: &Args, report: &mut Report) -> anyhow::Result<()> {
    let url = format!("{}/graphql", service.base);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let anonymous = Load {
        client: client.clone(),
        url: url.clone(),
        token: None,
    };

    report.note("seeding 1,000 users through upsertUser");
    let ids = seed(&anonymous, report).await?;
    let token = log_in(&client, &url).await?;
    let reader = Load {
        client: client.clone(),
        url,
        token: Some(token),
    };

    let ids = Arc::new(ids);
    let by_id: MakeBody = {
        let ids = ids.clone();
        Arc::new(move |c, s| {
            json!({ "query": "query($id: ID!) { user(id: $id) { id email createdAt updatedAt } }",
                    "variables": { "id": pick(c, s, &ids).to_string() } })
        })
    };
    let by_email: MakeBody = Arc::new(|c, s| {
        json!({ "query": "query($e: String!) { userByEmail(email: $e) { id email createdAt updatedAt } }",
                "variables": { "e": email(((c as u64 * 7919 + s) % USERS as u64) as usize) } })
    });
    let list = |n: usize| -> MakeBody {
        Arc::new(
            move |_, _| json!({ "query": format!("{{ users(first: {n}) {{ id email createdAt updatedAt }} }}") }),
        )
    };
    let no_change: MakeBody = Arc::new(|c, _| upsert_body(&email(c % USERS), PASSWORD));
    let weak: MakeBody = Arc::new(|c, _| upsert_body(&email(c % USERS), "weak"));

    let plan: [(&str, &Load, usize, MakeBody, Check); 6] = [
        ("user(id)", &reader, CLIENTS, by_id.clone(), ok_user),
        ("userByEmail", &reader, CLIENTS, by_email, ok_user_by_email),
        (
            "users(first: 100)",
            &reader,
            CLIENTS,
            list(100),
            ok_users_100,
        ),
        (
            "users(first: 1000)",
            &reader,
            CLIENTS,
            list(1_000),
            ok_users_1000,
        ),
        (
            "upsertUser, no change (1 bcrypt verify)",
            &anonymous,
            CLIENTS,
            no_change.clone(),
            ok_upsert,
        ),
        (
            "upsertUser, weak password (validation error)",
            &anonymous,
            CLIENTS,
            weak,
            refused_as_weak,
        ),
    ];
    for (name, load, clients, body, check) in plan {
        report.note(&format!("running {name}"));
        let stats = load
            .run(clients, args.warmup, args.duration, body, check)
            .await;
        report.workload(name, stats);
    }

    report.note("running mixed: user(id) beside bcrypt-bound upserts");
    let (reads, upserts) = tokio::join!(
        reader.run(CLIENTS, args.warmup, args.duration, by_id, ok_user),
        anonymous.run(
            BCRYPT_CLIENTS,
            args.warmup,
            args.duration,
            no_change,
            ok_upsert
        ),
    );
    report.workload("mixed: user(id)", reads);
    report.workload("mixed: upsertUser, no change", upserts);
    Ok(())
}

async fn seed(load: &Load, report: &mut Report) -> anyhow::Result<Vec<i64>> {
    let started = Instant::now();
    let mut ids = Vec::with_capacity(USERS);
    for chunk in (0..USERS).collect::<Vec<_>>().chunks(CLIENTS) {
        let sends = chunk.iter().map(|&n| {
            load.client
                .post(&load.url)
                .json(&upsert_body(&email(n), PASSWORD))
                .send()
        });
        for response in join_all(sends).await {
            let body: Value = response.context("seeding request")?.json().await?;
            let id = body["data"]["upsertUser"]["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .with_context(|| format!("seeding failed: {body}"))?;
            ids.push(id);
        }
    }
    let elapsed = started.elapsed();
    ensure!(ids.len() == USERS, "seeded {} users", ids.len());
    report.seed(USERS, elapsed);
    Ok(ids)
}

async fn log_in(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let body = json!({
        "query": "mutation($i: LoginInput!) { login(loginInput: $i) { id } }",
        "variables": { "i": { "email": email(0), "password": PASSWORD } },
    });
    let response = client.post(url).json(&body).send().await?;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .and_then(|pair| pair.strip_prefix("Authentication="))
        .map(str::to_owned);
    match cookie {
        Some(token) if !token.is_empty() => Ok(token),
        _ => bail!(
            "login did not set the session cookie: {}",
            response.text().await?
        ),
    }
}

impl Stats {
    pub fn is_clean(&self) -> bool {
        self.requests > 0 && self.wrong == 0 && self.non_2xx == 0
    }
}
