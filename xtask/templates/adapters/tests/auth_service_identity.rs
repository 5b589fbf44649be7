//! The caller-identity adapter against a stand-in for the auth service on loopback: what each of its
//! answers means here, and that nothing but a clean 200 or 401 is taken for an answer at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use adapters::auth_service::{AuthServiceIdentity, TIMEOUT};
use application::ports::{CallerIdentity, IdentityError};
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use reqwest::Url;

/// Serves `router` on a free loopback port until the test ends; returns its base URL.
async fn serve(router: Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    Url::parse(&format!("http://{address}")).expect("a URL")
}

/// An auth service that answers every `/api/authenticate` with `status` and `body`.
async fn answering(status: StatusCode, body: &'static str) -> Url {
    serve(Router::new().route(
        "/api/authenticate",
        get(move || async move { (status, body) }),
    ))
    .await
}

async fn identify(base: &Url, token: &str) -> Result<domain::Caller, IdentityError> {
    AuthServiceIdentity::new(base)
        .expect("a client")
        .identify(token)
        .await
}

#[tokio::test]
async fn a_session_auth_vouches_for_is_its_caller_and_the_token_goes_as_a_bearer() {
    let base = serve(Router::new().route(
        "/api/authenticate",
        get(|headers: HeaderMap| async move {
            let bearer = headers.get("authorization").and_then(|v| v.to_str().ok());
            if bearer == Some("Bearer t0k") {
                (StatusCode::OK, r#"{"id":"42","createdAt":"2026-01-01T00:00:00.000Z"}"#).into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }),
    ))
    .await;
    let caller = identify(&base, "t0k").await.expect("identified");
    assert_eq!(caller.id.get(), 42);
}

#[tokio::test]
async fn a_401_is_a_refusal() {
    let base = answering(StatusCode::UNAUTHORIZED, r#"{"errors":[]}"#).await;
    let err = identify(&base, "t0k").await.expect_err("refused");
    assert!(matches!(err, IdentityError::Refused(_)), "{err:?}");
}

#[tokio::test]
async fn anything_but_a_clean_200_or_401_is_unavailable() {
    for (status, body) in [
        (StatusCode::INTERNAL_SERVER_ERROR, "{}"),
        (StatusCode::SERVICE_UNAVAILABLE, r#"{"errors":[]}"#),
        (StatusCode::FORBIDDEN, ""),
        (StatusCode::OK, "not json"),
        (StatusCode::OK, r#"{"id":"0"}"#),
        (StatusCode::OK, r#"{"id":"abc"}"#),
        (StatusCode::OK, r#"{"createdAt":"2026-01-01T00:00:00.000Z"}"#),
        (StatusCode::FOUND, ""),
    ] {
        let base = answering(status, body).await;
        let err = identify(&base, "t0k").await.expect_err("no answer");
        assert!(
            matches!(err, IdentityError::Unavailable(_)),
            "{status} {body:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn an_auth_service_that_is_down_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let base = Url::parse(&format!("http://{address}")).expect("a URL");
    let err = identify(&base, "t0k").await.expect_err("down");
    assert!(matches!(err, IdentityError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_slow_auth_service_is_unavailable_after_the_timeout() {
    let base = serve(Router::new().route(
        "/api/authenticate",
        get(|| async {
            tokio::time::sleep(TIMEOUT * 3).await;
            (StatusCode::OK, r#"{"id":"1"}"#)
        }),
    ))
    .await;
    let started = Instant::now();
    let err = identify(&base, "t0k").await.expect_err("too slow");
    assert!(matches!(err, IdentityError::Unavailable(_)), "{err:?}");
    let took = started.elapsed();
    assert!(
        took >= TIMEOUT && took < TIMEOUT + Duration::from_secs(2),
        "gave up after {took:?}"
    );
}

#[tokio::test]
async fn every_request_asks_again_so_a_revoked_session_stops_at_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let base = serve(Router::new().route(
        "/api/authenticate",
        get(move || {
            let calls = counted.clone();
            async move {
                // Valid once, then revoked.
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    (StatusCode::OK, r#"{"id":"7"}"#)
                } else {
                    (StatusCode::UNAUTHORIZED, "{}")
                }
            }
        }),
    ))
    .await;
    let identity = AuthServiceIdentity::new(&base).expect("a client");
    assert!(identity.identify("t0k").await.is_ok());
    let err = identity.identify("t0k").await.expect_err("revoked");
    assert!(matches!(err, IdentityError::Refused(_)), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "nothing was cached");
}

#[tokio::test]
async fn a_token_no_header_can_carry_is_refused_without_a_request() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let base = serve(Router::new().route(
        "/api/authenticate",
        get(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { StatusCode::OK }
        }),
    ))
    .await;
    let err = identify(&base, "bad\ntoken").await.expect_err("refused");
    assert!(matches!(err, IdentityError::Refused(_)), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_base_url_with_a_path_keeps_it() {
    let base = serve(Router::new().route(
        "/auth/api/authenticate",
        get(|| async { (StatusCode::OK, r#"{"id":"3"}"#) }),
    ))
    .await;
    let prefixed = base.join("auth/").expect("a URL");
    assert_eq!(identify(&prefixed, "t0k").await.expect("ok").id.get(), 3);
}
