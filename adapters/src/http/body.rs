//! Reading a request body whole, within a deadline and a size cap, before any handler sees it. hyper
//! bounds only the head; without this, a body sent a byte a minute held its connection (and a handler)
//! for as long as the client liked.

use std::future::poll_fn;
use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::problem::problem;

#[derive(Debug, Clone, Copy)]
pub(super) struct BodyRules {
    pub(super) limit: usize,
    pub(super) read_timeout: Duration,
}

pub(super) async fn read_whole(
    State(rules): State<BodyRules>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(rules.read_timeout, collect(body, rules.limit)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(Unread::TooLarge)) => problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "The request body is too large.",
        ),
        Ok(Err(Unread::Broken)) => problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "The request body could not be read.",
        ),
        Err(_) => problem(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            &format!(
                "The request body did not arrive within {} ms.",
                rules.read_timeout.as_millis()
            ),
        ),
    }
}

enum Unread {
    TooLarge,
    Broken,
}

async fn collect(mut body: Body, limit: usize) -> Result<Vec<u8>, Unread> {
    // A declared length over the cap is refused before a byte of it is read.
    if body.size_hint().lower() > limit as u64 {
        return Err(Unread::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| Unread::Broken)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(Unread::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}
