use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::AppState;

/// 200 while the process is up.
pub(super) async fn health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// 200 only while the database answers; 503 otherwise, so load balancers route around a replica that
/// has lost its database.
pub(super) async fn ready<E>(State(state): State<AppState<E>>) -> impl IntoResponse {
    if state.readiness.is_ready().await {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable" })),
        )
    }
}
