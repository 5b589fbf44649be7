//! `/metrics`: on its own listener when asked for, and the figures move by what the service did.
//!
//! A process has one recorder, which every app started in it records into. These tests have a test
//! binary of their own, and take turns, so that each sees only its own apps' figures.

#[allow(dead_code, unused_macros, unused_imports)]
#[path = "../api/helpers.rs"]
mod helpers;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde_json::json;
use tokio::sync::Mutex;

use helpers::{SEED_PASSWORD, TestApp};

/// One test at a time: apps of another test would move the same figures.
static TURN: Mutex<()> = Mutex::const_new(());

fn metrics_on(settings: &mut bootstrap::Settings) {
    settings.server.metrics_addr = Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0));
}

/// Series as `name{labels}` → value, from the Prometheus text format.
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

async fn scrape(app: &TestApp) -> (String, HashMap<String, f64>) {
    let url = app.metrics.as_deref().expect("metrics are on");
    let response = app.client.get(url).send().await.expect("scraped");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.expect("text");
    let series = parse(&text);
    (text, series)
}

fn value(series: &HashMap<String, f64>, name: &str) -> f64 {
    series.get(name).copied().unwrap_or(0.0)
}

fn grew_by(before: &HashMap<String, f64>, after: &HashMap<String, f64>, name: &str, by: f64) {
    let (was, is) = (value(before, name), value(after, name));
    assert!(
        (is - was - by).abs() < f64::EPSILON,
        "{name} went from {was} to {is}, not up by {by}"
    );
}

/// For figures that other work of the same app (start-up's own hash, the feed's heartbeats) moves too.
fn grew_by_at_least(
    before: &HashMap<String, f64>,
    after: &HashMap<String, f64>,
    name: &str,
    by: f64,
) {
    let (was, is) = (value(before, name), value(after, name));
    assert!(
        is - was >= by,
        "{name} went from {was} to {is}, not up by {by} or more"
    );
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for_and_never_on_the_api_port() {
    let _turn = TURN.lock().await;
    let app = TestApp::spawn().await;
    assert!(app.metrics.is_none());
    let on_api = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(on_api.status(), 404);
}

#[tokio::test]
async fn two_services_in_one_process_each_serve_the_processs_metrics() {
    let _turn = TURN.lock().await;
    let first = TestApp::spawn_with(metrics_on).await;
    let second = TestApp::spawn_with(metrics_on).await;
    assert_ne!(first.metrics, second.metrics);
    for app in [&first, &second] {
        let (_, series) = scrape(app).await;
        let version = env!("CARGO_PKG_VERSION");
        let build = format!("build_info{{service=\"auth\",version=\"{version}\"}}");
        assert_eq!(value(&series, &build), 1.0, "{series:?}");
    }
}

#[tokio::test]
async fn operations_hashing_lockouts_and_the_pool_move_their_figures() {
    let _turn = TURN.lock().await;
    let app = TestApp::spawn_with(|s| {
        metrics_on(s);
        s.modules.users.lockout_threshold = 2;
    })
    .await;
    let (_, before) = scrape(&app).await;

    let email = "metrics-caller@example.com";
    let created = app.upsert(email, SEED_PASSWORD, None).await;
    assert!(created["errors"].is_null(), "{created}");
    // A client's operation name and a field the schema lacks: neither may become a label.
    let refused = app
        .graphql_with(json!({
            "query": "query ClientChosenName { madeUpFieldName }",
            "operationName": "ClientChosenName",
        }))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    for _ in 0..2 {
        let wrong = app.upsert(email, "WrongPassword1!", None).await;
        assert!(!wrong["errors"].is_null(), "{wrong}");
    }
    let locked = app.upsert(email, SEED_PASSWORD, None).await;
    assert!(!locked["errors"].is_null(), "{locked}");

    let (text, after) = scrape(&app).await;
    let upserts = |code: &str| {
        format!(
            "graphql_operation_duration_seconds_count{{operation=\"mutation\",field=\"upsertUser\",code=\"{code}\"}}"
        )
    };
    grew_by(&before, &after, &upserts("OK"), 1.0);
    grew_by(
        &before,
        &after,
        "graphql_operation_duration_seconds_count{operation=\"query\",field=\"none\",code=\"GRAPHQL_VALIDATION_FAILED\"}",
        1.0,
    );
    grew_by_at_least(
        &before,
        &after,
        "bcrypt_duration_seconds_count{operation=\"hash\"}",
        1.0,
    );
    grew_by(
        &before,
        &after,
        "bcrypt_duration_seconds_count{operation=\"verify\"}",
        2.0,
    );
    grew_by(&before, &after, "account_lockouts_total", 1.0);
    grew_by(
        &before,
        &after,
        "password_checks_refused_total{reason=\"locked\"}",
        1.0,
    );
    grew_by_at_least(
        &before,
        &after,
        "db_call_duration_seconds_count{outcome=\"ok\"}",
        4.0,
    );
    // Nothing runs or waits once the answers are in.
    assert_eq!(value(&after, "bcrypt_runs_in_flight"), 0.0, "{text}");
    assert_eq!(value(&after, "bcrypt_runs_waiting"), 0.0, "{text}");
    for gauge in [
        "db_pool_connections{state=\"in_use\"}",
        "db_pool_connections{state=\"idle\"}",
        "db_pool_connections_max",
        "bcrypt_runs_in_flight",
        "bcrypt_runs_waiting",
    ] {
        assert!(after.contains_key(gauge), "no {gauge} in:\n{text}");
    }
    assert!(value(&after, "db_pool_connections_max") >= 1.0, "{text}");
    for leaked in [
        "ClientChosenName",
        "madeUpFieldName",
        email,
        "metrics-caller",
    ] {
        assert!(!text.contains(leaked), "{leaked} is in /metrics:\n{text}");
    }
}
