//! The session token a request carries: `Authorization: Bearer <token>` for other services and scripts,
//! or the `Authentication` cookie for browsers. Bearer wins when both are sent.

use axum::http::{HeaderMap, header};

/// The cookie the course names; every job-engine service reads the same one.
pub const SESSION_COOKIE: &str = "Authentication";

/// The session token a request carries, bearer first.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    bearer(headers).or_else(|| cookie(headers))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn a_bearer_token_is_read_and_wins_over_the_cookie() {
        let h = headers(&[
            (header::AUTHORIZATION, "Bearer abc.def.ghi"),
            (header::COOKIE, "Authentication=cookie-token"),
        ]);
        assert_eq!(session_token(&h).as_deref(), Some("abc.def.ghi"));
    }

    #[test]
    fn the_cookie_is_found_among_others_and_empty_values_are_none() {
        let h = headers(&[(header::COOKIE, "theme=dark; Authentication=t0k; other=1")]);
        assert_eq!(session_token(&h).as_deref(), Some("t0k"));
        let cleared = headers(&[(header::COOKIE, "Authentication=")]);
        assert_eq!(session_token(&cleared), None);
        let basic = headers(&[(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")]);
        assert_eq!(session_token(&basic), None);
        assert_eq!(session_token(&HeaderMap::new()), None);
    }
}
