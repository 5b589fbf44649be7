//! `SessionTokens` on HS256 JSON Web Tokens.
//!
//! Expiry is judged against the `now` the caller passes (the application's `Clock`), never the system
//! clock, so jsonwebtoken's own `exp`/`nbf` checks are off and this module does them. jsonwebtoken picks
//! its crypto backend from its one enabled feature (`rust_crypto`), so no provider is installed here;
//! enabling a second backend anywhere in the build would make it panic on first use.

use std::fmt;

use anyhow::Context;
use application::users::ports::{
    IssuedToken, SessionToken, SessionTokens, TokenClaims, TokenRejected,
};
use chrono::{DateTime, TimeDelta, Utc};
use domain::UserId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
pub const MIN_SECRET_BYTES: usize = 32;

/// How far `iat` may lie ahead of `now` before the token is refused: clock skew between instances.
const MAX_IAT_SKEW_SECS: i64 = 60;

const ALGORITHM: Algorithm = Algorithm::HS256;

/// What a deployment configures. The secret is shared by every instance that must accept the tokens.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    pub secret: SecretString,
    pub issuer: String,
    pub audience: String,
    /// Truncated to whole seconds, because `exp` and `iat` are whole seconds.
    pub lifetime: TimeDelta,
}

/// Settings refused at start-up. The messages never quote the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtConfigError {
    #[error("the signing secret must be at least {MIN_SECRET_BYTES} bytes, got {0}")]
    SecretTooShort(usize),
    #[error("the session lifetime must be at least one second, got {0}")]
    LifetimeTooShort(TimeDelta),
    /// The library refused the key; its message names no part of the secret.
    #[error("the signing key could not be made: {0}")]
    Key(#[from] jsonwebtoken::errors::Error),
}

/// HS256 keys and the validation rules built from [`JwtSettings`] once, at start-up.
#[derive(Clone)]
pub struct JwtTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    lifetime_secs: i64,
}

/// The claims this module writes.
#[derive(Serialize)]
struct IssuedClaims<'a> {
    sub: String,
    /// The password version the session is bound to (private claim).
    pv: i64,
    iat: i64,
    exp: i64,
    iss: &'a str,
    aud: &'a str,
}

/// The claims it reads back; jsonwebtoken has already checked `iss` and `aud`. Every field is required,
/// and integers only, so a token missing `iat` (which jsonwebtoken cannot be told to require) or `pv`
/// (tokens from before sessions were bound to a password version) fails here.
#[derive(Deserialize)]
struct ReadClaims {
    sub: String,
    pv: i64,
    iat: i64,
    exp: i64,
}

impl JwtTokens {
    /// # Errors
    /// When the secret is shorter than [`MIN_SECRET_BYTES`] or the lifetime is under one second.
    pub fn try_new(settings: &JwtSettings) -> Result<Self, JwtConfigError> {
        let secret = settings.secret.expose_secret().as_bytes();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(JwtConfigError::SecretTooShort(secret.len()));
        }
        let lifetime_secs = settings.lifetime.num_seconds();
        if lifetime_secs < 1 {
            return Err(JwtConfigError::LifetimeTooShort(settings.lifetime));
        }

        let mut validation = Validation::new(ALGORITHM);
        validation.algorithms = vec![ALGORITHM];
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;

        Ok(Self {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            lifetime_secs,
        })
    }

    /// A fresh 256-bit secret, hex-encoded (64 characters), for when none is configured. Tokens signed
    /// with it die with the process, which suits development and nothing else.
    ///
    /// # Errors
    /// When the operating system's random number generator fails.
    pub fn random_secret() -> anyhow::Result<SecretString> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut bytes = [0u8; MIN_SECRET_BYTES];
        getrandom::fill(&mut bytes).context("the OS random number generator failed")?;
        let mut hex = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        bytes.zeroize();
        Ok(SecretString::from(hex))
    }
}

impl fmt::Debug for JwtTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // jsonwebtoken's keys print their bytes, so they are left out.
        f.debug_struct("JwtTokens")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime_secs", &self.lifetime_secs)
            .finish_non_exhaustive()
    }
}

impl SessionTokens for JwtTokens {
    fn issue(
        &self,
        user: UserId,
        password_version: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<IssuedToken> {
        let iat = now.timestamp();
        let exp = iat
            .checked_add(self.lifetime_secs)
            .context("token expiry overflows")?;
        let claims = IssuedClaims {
            sub: user.to_string(),
            pv: password_version,
            iat,
            exp,
            iss: &self.issuer,
            aud: &self.audience,
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .context("signing a session token")?;
        Ok(IssuedToken {
            token: SessionToken::new(token),
            lifetime: TimeDelta::seconds(exp - iat),
        })
    }

    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<TokenClaims, TokenRejected> {
        let claims = jsonwebtoken::decode::<ReadClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                // Only a fixed label is logged: error texts can quote parts of the token.
                tracing::debug!(
                    reason = rejection_reason(e.kind()),
                    "session token rejected"
                );
                TokenRejected::Invalid
            })?
            .claims;

        let user_id = claims
            .sub
            .parse::<UserId>()
            .map_err(|_| TokenRejected::Invalid)?;
        let issued_at = DateTime::from_timestamp(claims.iat, 0).ok_or(TokenRejected::Invalid)?;
        // No token this service issues lives longer than its lifetime; one that does was not minted
        // under this configuration, whoever holds the key.
        let lives = claims.exp.saturating_sub(claims.iat);
        if lives <= 0 || lives > self.lifetime_secs {
            return Err(TokenRejected::Invalid);
        }
        // Whole seconds suffice: for an integer t, `now >= t` exactly when `floor(now) >= t`.
        let now_secs = now.timestamp();
        if claims.iat.saturating_sub(now_secs) > MAX_IAT_SKEW_SECS {
            return Err(TokenRejected::Invalid);
        }
        if now_secs >= claims.exp {
            return Err(TokenRejected::Expired);
        }
        Ok(TokenClaims {
            user_id,
            issued_at,
            password_version: claims.pv,
        })
    }
}

fn rejection_reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => "wrong algorithm",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::MissingRequiredClaim(_) => "missing claim",
        _ => "malformed",
    }
}
