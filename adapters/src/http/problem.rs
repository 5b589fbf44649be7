//! Errors raised before GraphQL execution, in the same `{"errors": [...]}` shape clients already parse.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub(super) fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}
