//! The two answers of the GraphQL-over-HTTP spec: `application/json`, as every client has always had it
//! here (status 200, errors in the body), and `application/graphql-response+json` for the clients that
//! ask for it in `Accept`, where a request that never executed (it does not parse or validate, names no
//! operation, or its variables do not coerce) is 400 and has no `data` entry.

use async_graphql::Value;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(super) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Which media type the answer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Media {
    Json,
    GraphQlResponse,
}

impl Media {
    /// The spec's type when the client accepts it at least as much as JSON; JSON otherwise, and with
    /// no `Accept`, `*/*` or `application/json`, so that today's clients see no change.
    pub(super) fn negotiate(headers: &HeaderMap) -> Self {
        let mut graphql = 0.0_f32;
        let mut json = 0.0_f32;
        let ranges = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for range in ranges {
            let mut parts = range.split(';');
            let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match essence.as_str() {
                GRAPHQL_RESPONSE => graphql = graphql.max(quality),
                "application/json" | "application/*" | "*/*" => json = json.max(quality),
                _ => {}
            }
        }
        if graphql > 0.0 && graphql >= json {
            Self::GraphQlResponse
        } else {
            Self::Json
        }
    }

    /// `response` as this media type says, with `Vary: Accept`, since the same request may be answered
    /// either way.
    pub(super) fn answer(self, response: &async_graphql::Response) -> Response {
        let mut http = match self {
            Self::Json => axum::Json(response).into_response(),
            Self::GraphQlResponse => graphql_response(response),
        };
        http.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept"));
        http
    }
}

/// A request error is an answer without execution: errors, no data, and no error at a field's path
/// (a field error that nulled the whole result has one).
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

fn graphql_response(response: &async_graphql::Response) -> Response {
    let request_error = is_request_error(response);
    let mut body = match serde_json::to_value(response) {
        Ok(body) => body,
        Err(_) => {
            return super::problem::problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "The response could not be written.",
            );
        }
    };
    let status = if request_error {
        if let Some(object) = body.as_object_mut() {
            object.remove("data");
        }
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut http = (status, axum::Json(body)).into_response();
    http.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
    );
    http
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(values: &[&str]) -> Media {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT, HeaderValue::from_str(value).expect("ASCII"));
        }
        Media::negotiate(&headers)
    }

    #[test]
    fn todays_clients_get_json() {
        assert_eq!(accepting(&[]), Media::Json);
        assert_eq!(accepting(&["*/*"]), Media::Json);
        assert_eq!(accepting(&["application/json"]), Media::Json);
        assert_eq!(accepting(&["text/html"]), Media::Json);
    }

    #[test]
    fn clients_that_ask_for_the_specs_type_get_it() {
        assert_eq!(accepting(&[GRAPHQL_RESPONSE]), Media::GraphQlResponse);
        assert_eq!(
            accepting(&["application/graphql-response+json, application/json;q=0.9"]),
            Media::GraphQlResponse
        );
        assert_eq!(
            accepting(&["application/json", "Application/GraphQL-Response+JSON"]),
            Media::GraphQlResponse,
            "equally acceptable: the spec's type is preferred"
        );
    }

    #[test]
    fn a_client_that_prefers_json_or_refuses_the_type_gets_json() {
        assert_eq!(
            accepting(&["application/json, application/graphql-response+json;q=0.5"]),
            Media::Json
        );
        assert_eq!(
            accepting(&["application/graphql-response+json;q=0"]),
            Media::Json
        );
    }
}
