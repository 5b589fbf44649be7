//! The JWT adapter against tokens it issued and tokens forged or altered by hand.

use adapters::users::jwt::{JwtConfigError, JwtSettings, JwtTokens, MIN_SECRET_BYTES};
use application::users::ports::{SessionTokens, TokenRejected};
use chrono::{DateTime, TimeDelta, Utc};
use domain::UserId;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

const SECRET: &str = "0123456789abcdef0123456789abcdef-test";
const ISSUER: &str = "jobber-auth";
const AUDIENCE: &str = "jobber";
const LIFETIME_SECS: i64 = 3600;
const PASSWORD_VERSION: i64 = 3;
/// A quarter second past a whole second, so that truncation to whole seconds shows.
const NOW_SECS: i64 = 1_700_000_000;
const NOW_NANOS: u32 = 250_000_000;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW_SECS, NOW_NANOS).expect("in range")
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("in range")
}

fn settings(secret: &str) -> JwtSettings {
    JwtSettings {
        secret: SecretString::from(secret.to_owned()),
        issuer: ISSUER.to_owned(),
        audience: AUDIENCE.to_owned(),
        lifetime: TimeDelta::seconds(LIFETIME_SECS),
    }
}

fn tokens() -> JwtTokens {
    JwtTokens::try_new(&settings(SECRET)).expect("valid settings")
}

fn user(id: i64) -> UserId {
    UserId::try_new(id).expect("positive")
}

/// Claims as the adapter itself would write them at `NOW_SECS`.
fn valid_claims() -> Value {
    json!({
        "sub": "42",
        "pv": PASSWORD_VERSION,
        "iat": NOW_SECS,
        "exp": NOW_SECS + LIFETIME_SECS,
        "iss": ISSUER,
        "aud": AUDIENCE,
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().expect("object").remove(key);
    claims
}

fn sign(alg: Algorithm, claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).expect("a key"),
    )
    .expect("signs")
}

fn verify(token: &str) -> Result<i64, TokenRejected> {
    tokens().verify(token, now()).map(|c| c.user_id.get())
}

/// base64url without padding (RFC 7515 §2), for tokens no JWT library would make.
fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            let sextet = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[sextet as usize]));
        }
    }
    out
}

fn parts(token: &str) -> [&str; 3] {
    let parts: Vec<&str> = token.split('.').collect();
    parts.try_into().expect("three parts")
}

#[test]
fn the_base64url_helper_matches_rfc_4648_vectors() {
    assert_eq!(b64url(b"f"), "Zg");
    assert_eq!(b64url(b"fo"), "Zm8");
    assert_eq!(b64url(b"foo"), "Zm9v");
    assert_eq!(b64url(b"foob"), "Zm9vYg");
    assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
}

#[test]
fn an_issued_token_verifies_to_its_user_and_whole_second_issue_time() {
    let t = tokens();
    let issued = t.issue(user(42), PASSWORD_VERSION, now()).expect("issues");
    assert_eq!(issued.lifetime, TimeDelta::seconds(LIFETIME_SECS));

    let claims = t.verify(issued.token.expose(), now()).expect("verifies");
    assert_eq!(claims.user_id, user(42));
    assert_eq!(claims.issued_at, at(NOW_SECS));
    assert_eq!(claims.password_version, PASSWORD_VERSION);
}

#[test]
fn an_issued_token_carries_the_agreed_claims_as_hs256() {
    let issued = tokens()
        .issue(user(42), PASSWORD_VERSION, now())
        .expect("issues");
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    let data = jsonwebtoken::decode::<Value>(
        issued.token.expose(),
        &DecodingKey::from_secret(SECRET.as_bytes()).expect("a key"),
        &validation,
    )
    .expect("decodes");

    assert_eq!(data.header.alg, Algorithm::HS256);
    assert_eq!(data.claims, valid_claims());
    let lifetime = data.claims["exp"].as_i64().expect("integer exp")
        - data.claims["iat"].as_i64().expect("integer iat");
    assert_eq!(TimeDelta::seconds(lifetime), issued.lifetime);
}

#[test]
fn a_token_expires_at_exp_and_not_a_moment_before() {
    let t = tokens();
    let token = t
        .issue(user(42), PASSWORD_VERSION, now())
        .expect("issues")
        .token;
    let exp = NOW_SECS + LIFETIME_SECS;

    assert!(t.verify(token.expose(), at(exp - 1)).is_ok());
    let just_before = at(exp) - TimeDelta::nanoseconds(1);
    assert!(t.verify(token.expose(), just_before).is_ok());
    assert_eq!(
        t.verify(token.expose(), at(exp)),
        Err(TokenRejected::Expired)
    );
    assert_eq!(
        t.verify(token.expose(), at(exp + 86_400)),
        Err(TokenRejected::Expired)
    );
}

#[test]
fn a_hand_made_token_with_valid_claims_is_accepted() {
    // The control for the forgeries below: each differs from this in one respect only.
    assert_eq!(
        verify(&sign(Algorithm::HS256, &valid_claims(), SECRET)),
        Ok(42)
    );
}

#[test]
fn a_token_with_one_signature_character_changed_is_invalid() {
    let token = tokens()
        .issue(user(42), PASSWORD_VERSION, now())
        .expect("issues")
        .token;
    let [header, payload, signature] = parts(token.expose());
    // The first character carries six signature bits; the last may carry only padding bits.
    let first = if signature.starts_with('A') { "B" } else { "A" };
    let forged = format!("{header}.{payload}.{first}{}", &signature[1..]);
    assert_eq!(verify(&forged), Err(TokenRejected::Invalid));
}

#[test]
fn a_token_with_its_payload_replaced_under_the_old_signature_is_invalid() {
    let token = tokens()
        .issue(user(42), PASSWORD_VERSION, now())
        .expect("issues")
        .token;
    let [header, _, signature] = parts(token.expose());
    let claims = with(valid_claims(), "sub", json!("1"));
    let payload = b64url(claims.to_string().as_bytes());
    let forged = format!("{header}.{payload}.{signature}");
    assert_eq!(verify(&forged), Err(TokenRejected::Invalid));
}

#[test]
fn an_unsigned_alg_none_token_is_invalid() {
    let header = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = b64url(valid_claims().to_string().as_bytes());
    assert_eq!(
        verify(&format!("{header}.{payload}.")),
        Err(TokenRejected::Invalid)
    );
}

#[test]
fn a_token_signed_with_another_hmac_algorithm_and_the_same_secret_is_invalid() {
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let token = sign(alg, &valid_claims(), SECRET);
        assert_eq!(verify(&token), Err(TokenRejected::Invalid), "{alg:?}");
    }
}

#[test]
fn a_token_for_another_audience_or_issuer_is_invalid() {
    for (key, value) in [("aud", "another-service"), ("iss", "someone-else")] {
        let token = sign(
            Algorithm::HS256,
            &with(valid_claims(), key, json!(value)),
            SECRET,
        );
        assert_eq!(verify(&token), Err(TokenRejected::Invalid), "{key}");
    }
}

#[test]
fn a_token_missing_any_required_claim_is_invalid() {
    for key in ["sub", "pv", "iat", "exp", "iss", "aud"] {
        let token = sign(Algorithm::HS256, &without(valid_claims(), key), SECRET);
        assert_eq!(verify(&token), Err(TokenRejected::Invalid), "{key}");
    }
}

#[test]
fn a_token_signed_with_another_secret_is_invalid() {
    let token = sign(
        Algorithm::HS256,
        &valid_claims(),
        "another-secret-of-at-least-32-bytes!!",
    );
    assert_eq!(verify(&token), Err(TokenRejected::Invalid));
}

#[test]
fn a_subject_that_is_not_a_positive_decimal_id_is_invalid() {
    for sub in [
        json!("abc"),
        json!("0"),
        json!("-5"),
        json!("+5"),
        json!(" 5"),
        json!(""),
        json!(42),
    ] {
        let token = sign(
            Algorithm::HS256,
            &with(valid_claims(), "sub", sub.clone()),
            SECRET,
        );
        assert_eq!(verify(&token), Err(TokenRejected::Invalid), "{sub}");
    }
}

#[test]
fn a_token_that_expires_before_it_is_issued_is_invalid() {
    let claims = with(valid_claims(), "exp", json!(NOW_SECS));
    let token = sign(Algorithm::HS256, &claims, SECRET);
    assert_eq!(verify(&token), Err(TokenRejected::Invalid));
}

/// Signed with the right key but living longer than this service ever issues: a forged or leaked
/// signer's token, or one from a deployment with a longer lifetime.
#[test]
fn a_token_that_lives_longer_than_the_configured_lifetime_is_invalid() {
    let living = |secs: i64| {
        let claims = with(valid_claims(), "exp", json!(NOW_SECS + secs));
        sign(Algorithm::HS256, &claims, SECRET)
    };
    assert_eq!(
        verify(&living(LIFETIME_SECS)),
        Ok(42),
        "exactly the lifetime"
    );
    assert_eq!(
        verify(&living(LIFETIME_SECS + 1)),
        Err(TokenRejected::Invalid)
    );
    assert_eq!(
        verify(&living(100 * 365 * 86_400)),
        Err(TokenRejected::Invalid)
    );
}

#[test]
fn a_token_issued_more_than_a_minute_ahead_is_invalid() {
    let issued_ahead = |secs: i64| {
        let claims = with(valid_claims(), "iat", json!(NOW_SECS + secs));
        sign(Algorithm::HS256, &claims, SECRET)
    };
    assert_eq!(verify(&issued_ahead(60)), Ok(42), "within the skew");
    assert_eq!(verify(&issued_ahead(61)), Err(TokenRejected::Invalid));
}

#[test]
fn a_secret_shorter_than_the_minimum_is_refused_without_being_echoed() {
    let short = "s3cr3t-".repeat(5)[..MIN_SECRET_BYTES - 1].to_owned();
    let err = JwtTokens::try_new(&settings(&short)).expect_err("too short");
    assert_eq!(err, JwtConfigError::SecretTooShort(MIN_SECRET_BYTES - 1));
    let text = err.to_string();
    assert!(
        text.contains("at least 32 bytes, got 31"),
        "names the rule: {text}"
    );
    assert!(!text.contains(&short), "never echoes the secret");

    let exact = &SECRET[..MIN_SECRET_BYTES];
    assert!(JwtTokens::try_new(&settings(exact)).is_ok());
}

#[test]
fn a_lifetime_under_one_second_is_refused() {
    for lifetime in [
        TimeDelta::zero(),
        TimeDelta::seconds(-60),
        TimeDelta::milliseconds(999),
    ] {
        let s = JwtSettings {
            lifetime,
            ..settings(SECRET)
        };
        assert_eq!(
            JwtTokens::try_new(&s).map(|_| ()),
            Err(JwtConfigError::LifetimeTooShort(lifetime))
        );
    }
}

#[test]
fn debug_output_never_shows_the_secret() {
    let shown = format!("{:?}", tokens());
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains(&SECRET[..MIN_SECRET_BYTES]), "{shown}");
    let bytes = format!("{:?}", SECRET.as_bytes());
    assert!(!shown.contains(&bytes[1..bytes.len() - 1]), "{shown}");
}

#[test]
fn a_random_secret_is_64_hex_characters_fresh_each_time_and_usable() {
    let a = JwtTokens::random_secret().expect("random");
    let b = JwtTokens::random_secret().expect("random");
    let hex = a.expose_secret();
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')),
        "{hex}"
    );
    assert_ne!(hex, b.expose_secret());

    let t = JwtTokens::try_new(&JwtSettings {
        secret: a,
        ..settings(SECRET)
    })
    .expect("long enough");
    let token = t
        .issue(user(7), PASSWORD_VERSION, now())
        .expect("issues")
        .token;
    assert_eq!(
        t.verify(token.expose(), now()).map(|c| c.user_id),
        Ok(user(7))
    );
}
