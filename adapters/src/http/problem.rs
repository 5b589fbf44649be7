//! Errors raised before GraphQL execution, in the same `{"errors": [...]}` shape clients already parse.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An answer with `status` and one error carrying `code`.
pub fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}
