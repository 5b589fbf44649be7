use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use domain::UserId;

/// A signed session token. Its text is a credential: it is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// A token just issued, with how long it lives (a cookie's Max-Age must match it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: SessionToken,
    pub lifetime: TimeDelta,
}

/// What a valid token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenClaims {
    pub user_id: UserId,
    pub issued_at: DateTime<Utc>,
    /// The user's password version when the token was issued ([`domain::User::password_version`]).
    pub password_version: i64,
}

/// Why a token was not accepted. Callers treat every variant as "not authenticated"; the variants exist
/// for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejected {
    #[error("the token is malformed, badly signed, or for another issuer or audience")]
    Invalid,
    #[error("the token has expired")]
    Expired,
}

/// Issues and verifies the tokens that prove a login.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SessionTokens: Send + Sync + 'static {
    /// A token for `user`, issued at `now`, bound to the password version whose hash was just verified.
    ///
    /// # Errors
    /// Only if signing itself fails, which is a bug or a broken key: an `anyhow` error for the log.
    fn issue(
        &self,
        user: UserId,
        password_version: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<IssuedToken>;

    /// Checks the signature, the algorithm (exactly the one this implementation signs with; never
    /// `none`), the issuer, the audience, and that `now` is before the expiry.
    ///
    /// # Errors
    /// [`TokenRejected::Expired`] once expired; [`TokenRejected::Invalid`] for everything else.
    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<TokenClaims, TokenRejected>;
}
