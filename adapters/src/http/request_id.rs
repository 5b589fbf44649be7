//! Request ids: a client's own id is kept only when it is short and plain, so that no client can make
//! every log line of its request carry kilobytes, or characters a log reader would misread. Any other
//! id is dropped and the request gets a fresh UUID, as one that came without an id does.

use axum::extract::Request;
use axum::http::HeaderName;

pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest client id that is echoed and logged.
pub const MAX_CLIENT_REQUEST_ID: usize = 128;

/// 1–128 characters from `[A-Za-z0-9._:-]`.
pub fn is_acceptable_request_id(id: &[u8]) -> bool {
    (1..=MAX_CLIENT_REQUEST_ID).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Runs before the id is set, so an unacceptable one is replaced like a missing one. Every copy of the
/// header goes: with two, one might pass and the other be logged.
pub(super) async fn drop_unacceptable(mut request: Request) -> Request {
    let headers = request.headers_mut();
    let mut ids = headers.get_all(&REQUEST_ID).iter();
    let keep = match (ids.next(), ids.next()) {
        (Some(id), None) => is_acceptable_request_id(id.as_bytes()),
        (None, _) => true,
        (Some(_), Some(_)) => false,
    };
    if !keep {
        headers.remove(&REQUEST_ID);
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_up_to_128_characters_are_kept() {
        for id in ["a", "trace-me", "A1.b_2:c-3", &"x".repeat(128)] {
            assert!(is_acceptable_request_id(id.as_bytes()), "{id}");
        }
    }

    #[test]
    fn empty_long_or_unusual_ids_are_refused() {
        for id in [
            "",
            &"x".repeat(129),
            "with space",
            "new\nline",
            "quote\"",
            "ü",
            "a/b",
            "{}",
        ] {
            assert!(!is_acceptable_request_id(id.as_bytes()), "{id:?}");
        }
    }
}
