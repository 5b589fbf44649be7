//! OpenTelemetry traces from the real `auth` binary: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a request
//! that carries a W3C `traceparent` is exported over OTLP/HTTP as a child of the caller's span, with
//! its GraphQL operation, store calls and bcrypt runs beneath it, and its log lines carry the trace id.
//! Needs PostgreSQL as every test does (`TEST_DATABASE_URL`, or `scripts/test`, which finds one).

#[allow(dead_code)]
#[path = "../reliability/binary.rs"]
mod binary;
mod otlp;

use std::time::Duration;

use adapters::postgres::testing::TestDatabase;
use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::json;

use binary::{SEED_PASSWORD, Service};
use otlp::Collector;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN_ID: &str = "00f067aa0ba902b7";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn in_trace(spans: &[Span]) -> Vec<&Span> {
    spans
        .iter()
        .filter(|s| hex(&s.trace_id) == TRACE_ID)
        .collect()
}

/// Whether `span` sits under `ancestor` in `spans`, through any number of parents.
fn descends_from(spans: &[&Span], span: &Span, ancestor: &Span) -> bool {
    let mut parent = span.parent_span_id.clone();
    for _ in 0..spans.len() {
        if parent == ancestor.span_id {
            return true;
        }
        match spans.iter().find(|s| s.span_id == parent) {
            Some(next) => parent = next.parent_span_id.clone(),
            None => return false,
        }
    }
    false
}

async fn traced_service(db: &TestDatabase, collector: &Collector) -> Service {
    Service::start(
        &db.url(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            // Sent within a tenth of a second rather than the default five.
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_traced_request_is_exported_under_the_callers_span_with_its_store_calls() {
    let db = TestDatabase::create().await;
    let collector = Collector::start().await;
    let mut service = traced_service(&db, &collector).await;

    let answer: serde_json::Value = service
        .client
        .post(format!("{}/graphql", service.base))
        .header("traceparent", format!("00-{TRACE_ID}-{CALLER_SPAN_ID}-01"))
        .json(&json!({
            "query": "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
            "variables": { "i": { "email": "traced@example.com", "password": SEED_PASSWORD } },
        }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert!(answer["errors"].is_null(), "{answer}");

    let spans = collector
        .wait_for(Duration::from_secs(20), |spans| {
            let ours = in_trace(spans);
            ours.iter().any(|s| s.name == "request") && ours.iter().any(|s| s.name == "store call")
        })
        .await;
    let ours = in_trace(&spans);
    let request = ours
        .iter()
        .find(|s| s.name == "request")
        .expect("the request span");
    assert_eq!(
        hex(&request.parent_span_id),
        CALLER_SPAN_ID,
        "the request span is the caller's span's child"
    );
    let named =
        |name: &str| -> Vec<&Span> { ours.iter().copied().filter(|s| s.name == name).collect() };
    let store_calls = named("store call");
    assert!(
        store_calls
            .iter()
            .all(|call| descends_from(&ours, call, request)),
        "every store call sits under the request"
    );
    let operation = named("mutation upsertUser");
    assert_eq!(operation.len(), 1, "one GraphQL operation span: {ours:#?}");
    assert!(descends_from(&ours, operation[0], request));
    let hashes = named("bcrypt hash");
    assert_eq!(hashes.len(), 1, "one bcrypt run for a sign-up: {ours:#?}");
    assert!(descends_from(&ours, hashes[0], operation[0]));

    let exported = format!("{spans:?}");
    assert!(
        !exported.contains(SEED_PASSWORD) && !exported.contains("$2b$"),
        "a password or a hash in the exported spans"
    );
    // The access log line of the request carries the trace id.
    service
        .wait_for_log(&format!("trace_id={TRACE_ID}"), Duration::from_secs(5))
        .await;
    service.assert_log_has_no_secrets();
}

#[tokio::test]
async fn a_request_without_a_traceparent_starts_a_trace_of_its_own() {
    let db = TestDatabase::create().await;
    let collector = Collector::start().await;
    let service = traced_service(&db, &collector).await;
    let status = service
        .client
        .get(format!("{}/api/ready", service.base))
        .header("traceparent", "00-not-a-valid-trace-parent-01")
        .send()
        .await
        .expect("sent")
        .status();
    assert_eq!(status, 200);
    let spans = collector
        .wait_for(Duration::from_secs(20), |spans| {
            spans.iter().any(|s| s.name == "request")
        })
        .await;
    let request = spans
        .iter()
        .find(|s| s.name == "request")
        .expect("the request span");
    assert!(
        request.parent_span_id.is_empty(),
        "a root span: {request:?}"
    );
    assert_eq!(request.trace_id.len(), 16);
    assert_ne!(hex(&request.trace_id), "0".repeat(32));
}

#[tokio::test]
async fn background_store_calls_are_no_traces_of_their_own() {
    let db = TestDatabase::create().await;
    let collector = Collector::start().await;
    let mut service = traced_service(&db, &collector).await;
    // The password version feed's heartbeat is a store call every half second, outside any request.
    service
        .wait_for_log("password version feed: listening", Duration::from_secs(10))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(service.ready_status().await, 200);
    let spans = collector
        .wait_for(Duration::from_secs(20), |spans| {
            spans.iter().any(|s| s.name == "request")
        })
        .await;
    let roots: Vec<&str> = spans
        .iter()
        .filter(|s| s.parent_span_id.is_empty())
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(roots, ["request"], "only requests start traces");
}

#[tokio::test]
async fn a_made_up_root_field_never_names_a_span() {
    let db = TestDatabase::create().await;
    let collector = Collector::start().await;
    let service = traced_service(&db, &collector).await;
    let answer: serde_json::Value = service
        .client
        .post(format!("{}/graphql", service.base))
        .json(&json!({ "query": "{ madeUpRootFieldName }" }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let spans = collector
        .wait_for(Duration::from_secs(20), |spans| {
            spans.iter().any(|s| s.name == "query none")
        })
        .await;
    let exported = format!("{spans:?}");
    assert!(
        !exported.contains("madeUpRootFieldName"),
        "a client's field name in the exported spans"
    );
}
