//! The one rule for operations that need a session: the request must carry a token, and the caller
//! identity port must vouch for it.

use domain::Caller;

use crate::ports::{CallerIdentity, IdentityError};

/// Why an operation that needs a session cannot run.
#[derive(Debug, thiserror::Error)]
pub enum CallerError {
    /// No token, or one that proves no one: the client must log in. The reason is for the log.
    #[error("no valid session: {0}")]
    Unauthenticated(String),
    #[error("the identity authority is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("identifying the caller failed")]
    Unexpected(#[source] anyhow::Error),
}

impl From<IdentityError> for CallerError {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::Refused(reason) => Self::Unauthenticated(reason),
            IdentityError::Unavailable(e) => Self::Unavailable(e),
            IdentityError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

/// The caller behind `token`. Adapters call it at most once per request and pass the [`Caller`] to
/// every use case the request runs.
///
/// # Errors
/// [`CallerError::Unauthenticated`] without a token or when the token proves no one, without asking
/// the port in the first case; the port's own failures otherwise.
pub async fn require_caller(
    identity: &dyn CallerIdentity,
    token: Option<&str>,
) -> Result<Caller, CallerError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(CallerError::Unauthenticated(
            "the request carried no session token".to_owned(),
        ));
    };
    Ok(identity.identify(token).await?)
}

#[cfg(test)]
mod tests {
    use domain::CallerId;

    use super::*;
    use crate::ports::MockCallerIdentity;

    fn caller(id: i64) -> Caller {
        Caller {
            id: CallerId::try_new(id).expect("positive"),
        }
    }

    #[tokio::test]
    async fn no_token_is_unauthenticated_without_asking_the_authority() {
        // No expectation: a call would panic.
        let identity = MockCallerIdentity::new();
        for token in [None, Some("")] {
            let err = require_caller(&identity, token).await.expect_err("none");
            assert!(matches!(err, CallerError::Unauthenticated(_)), "{err:?}");
        }
    }

    #[tokio::test]
    async fn a_token_the_authority_vouches_for_is_its_caller() {
        let mut identity = MockCallerIdentity::new();
        identity
            .expect_identify()
            .withf(|token| token == "t0k")
            .times(1)
            .returning(|_| Ok(caller(7)));
        let found = require_caller(&identity, Some("t0k")).await.expect("ok");
        assert_eq!(found, caller(7));
    }

    #[tokio::test]
    async fn a_token_that_proves_no_one_is_unauthenticated() {
        let mut identity = MockCallerIdentity::new();
        identity
            .expect_identify()
            .returning(|_| Err(IdentityError::Refused("expired".to_owned())));
        let err = require_caller(&identity, Some("t0k"))
            .await
            .expect_err("refused");
        assert!(matches!(err, CallerError::Unauthenticated(_)), "{err:?}");
    }

    #[tokio::test]
    async fn an_authority_that_is_down_is_unavailable_not_unauthenticated() {
        let mut identity = MockCallerIdentity::new();
        identity.expect_identify().returning(|_| {
            Err(IdentityError::Unavailable(anyhow::anyhow!(
                "connection refused"
            )))
        });
        let err = require_caller(&identity, Some("t0k"))
            .await
            .expect_err("down");
        assert!(matches!(err, CallerError::Unavailable(_)), "{err:?}");
    }
}
