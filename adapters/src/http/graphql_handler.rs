//! `/graphql` over HTTP, written out rather than taken from async-graphql-axum so each refusal is explicit:
//! one operation per request, JSON bodies only, a size cap, and no mutations over GET.

use std::time::Instant;

use async_graphql::Executor;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::AppState;
use super::client_address::ClientAddress;
use super::credentials::session_token;
use super::graphiql;
use super::media_type::Media;
use super::operation_metrics::{self, Operation};
use super::problem::problem;
use super::trace_context;
use crate::graphql::RequestCredentials;
use tracing::Instrument;

pub(super) async fn post<E: Executor>(
    State(state): State<AppState<E>>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !is_json(&headers) {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST /graphql takes a JSON body: send Content-Type: application/json.",
        );
    }
    // The router has read the body whole already, within its size cap and deadline (`body.rs`).
    let body = match body {
        Ok(body) => body,
        Err(_) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "The request body could not be read.",
            );
        }
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return problem(
            StatusCode::BAD_REQUEST,
            "BATCH_NOT_SUPPORTED",
            "Batched requests are not supported: send one operation per request.",
        );
    }
    // JSON is UTF-8 (RFC 8259), but serde_json skips the bytes of a field it ignores unchecked, so a
    // body with invalid bytes there was answered as if it were well-formed.
    if std::str::from_utf8(&body).is_err() {
        return problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "The request body is not valid UTF-8.",
        );
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            let message = format!("The body is not a GraphQL request ({e}).");
            return problem(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message);
        }
    };
    if request.query.trim().is_empty() {
        return problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "The request has no query.",
        );
    }
    execute(&state, client, &headers, request).await
}

#[derive(serde::Deserialize)]
pub(super) struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
}

pub(super) async fn get<E: Executor>(
    State(state): State<AppState<E>>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "The query string could not be parsed.",
        );
    };
    let GetParams {
        query: Some(query),
        operation_name,
        variables,
    } = params
    else {
        return if state.graphiql {
            graphiql::page()
        } else {
            graphiql::disabled()
        };
    };
    if is_mutation(&query, operation_name.as_deref()) {
        let mut response = problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "Mutations are only accepted over POST.",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    let mut request = async_graphql::Request::new(query);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    if let Some(raw) = variables {
        match serde_json::from_str(&raw) {
            Ok(variables) => request = request.variables(variables),
            Err(e) => {
                let message = format!("The variables parameter is not a JSON object ({e}).");
                return problem(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message);
            }
        }
    }
    execute(&state, client, &headers, request).await
}

/// Runs the request with the caller's credentials and address in its data, and returns the headers
/// resolvers set (the session cookie) with the body, in the media type the client asked for.
async fn execute<E: Executor>(
    state: &AppState<E>,
    client: ClientAddress,
    headers: &HeaderMap,
    mut request: async_graphql::Request,
) -> Response {
    let started = Instant::now();
    let observed = state.observe.metrics || state.observe.traces;
    // Parsed here only to be observed; the executor reuses the parsed document, so it is not parsed twice.
    let operation = if observed {
        let name = request.operation_name.clone();
        request.parsed_query().map_or_else(
            |_| Operation::unknown(),
            |doc| Operation::of(doc, name.as_deref()),
        )
    } else {
        Operation::unknown()
    };
    let request = request
        .data(RequestCredentials::new(session_token(headers)))
        .data(client);
    let media = Media::negotiate(headers);
    let span = tracing::debug_span!("graphql operation", graphql.operation.type = operation.kind);
    let mut response = state.schema.execute(request).instrument(span.clone()).await;
    // Named once the answer shows whether the root field is one of the schema's, as metrics are: a
    // client's made-up field names must not name spans either.
    if state.observe.traces && !span.is_none() {
        let field = operation_metrics::trusted_field(&operation, &response);
        trace_context::rename(&span, format!("{} {field}", operation.kind));
    }
    if state.observe.metrics {
        operation_metrics::record(&operation, &response, started.elapsed());
    }
    let set_by_resolvers = std::mem::take(&mut response.http_headers);
    let mut http = media.answer(&response);
    http.headers_mut().extend(set_by_resolvers);
    http
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the operation GET would run is a mutation. A document that does not parse is left to the
/// executor, which reports it properly.
fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => op.node.ty == OperationType::Mutation,
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name)
            .is_some_and(|op| op.node.ty == OperationType::Mutation),
        (DocumentOperations::Multiple(ops), None) => {
            ops.values().any(|op| op.node.ty == OperationType::Mutation)
        }
    }
}
