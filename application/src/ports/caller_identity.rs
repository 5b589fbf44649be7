use async_trait::async_trait;
use domain::Caller;

/// Why no caller came of a token.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The token proves no one: malformed, badly signed, expired, revoked, or its account is gone. The
    /// reason is for the log; every client gets the same answer.
    #[error("the session token was refused: {0}")]
    Refused(String),
    /// The authority did not answer in time, or answered something that is neither a caller nor a
    /// refusal. Worth retrying later; clients should see "unavailable", not "internal".
    #[error("the identity authority is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else. Its text never reaches a client.
    #[error("identifying the caller failed")]
    Unexpected(#[source] anyhow::Error),
}

/// Who is calling: the account a request's session token belongs to.
///
/// The auth service answers it from its own store; every other job-engine service asks the auth
/// service, so that a revoked session is refused everywhere at once.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CallerIdentity: Send + Sync + 'static {
    /// The caller `token` proves. Implementations MUST NOT cache answers across requests, or a revoked
    /// session would keep working for as long as the cache lives.
    ///
    /// # Errors
    /// - [`IdentityError::Refused`] when the token proves no one. It MUST NOT be reported as
    ///   [`IdentityError::Unavailable`] or [`IdentityError::Unexpected`], and they never as it.
    /// - [`IdentityError::Unavailable`] when the authority cannot be asked, does not answer in time, or
    ///   answers something that is neither a caller nor a refusal.
    /// - [`IdentityError::Unexpected`] otherwise.
    async fn identify(&self, token: &str) -> Result<Caller, IdentityError>;
}
