//! The auth service's own answer to "who is calling": the user its session token proves. Its modules
//! that need the caller and nothing else ask this, as every other job-engine service asks the auth
//! service over HTTP.

use application::AuthError;
use application::ports::{CallerIdentity, IdentityError};
use async_trait::async_trait;
use domain::{Caller, CallerId};

use super::graphql::SharedAuth;

pub struct SessionIdentity(pub SharedAuth);

#[async_trait]
impl CallerIdentity for SessionIdentity {
    async fn identify(&self, token: &str) -> Result<Caller, IdentityError> {
        match self.0.identify(token).await {
            // The caller a session proves is the user it was issued to.
            Ok(user) => CallerId::try_new(user.get())
                .map(|id| Caller { id })
                .map_err(|e| IdentityError::Unexpected(e.into())),
            Err(AuthError::Unauthenticated(reason)) => {
                Err(IdentityError::Refused(reason.to_string()))
            }
            Err(AuthError::Unavailable(e)) => Err(IdentityError::Unavailable(e)),
            Err(AuthError::Unexpected(e)) => Err(IdentityError::Unexpected(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use application::{MockAuthUseCases, Unauthenticated};
    use domain::UserId;

    use super::*;

    fn identity(outcome: fn() -> Result<UserId, AuthError>) -> SessionIdentity {
        let mut auth = MockAuthUseCases::new();
        auth.expect_identify()
            .withf(|token| token == "t0k")
            .returning(move |_| outcome());
        SessionIdentity(Arc::new(auth))
    }

    fn user() -> UserId {
        UserId::try_new(7).expect("id")
    }

    #[tokio::test]
    async fn a_session_proves_its_user_as_the_caller() {
        let caller = identity(|| Ok(user())).identify("t0k").await.expect("ok");
        assert_eq!(caller.id.get(), 7);
    }

    #[tokio::test]
    async fn a_refused_token_is_refused_and_a_store_that_is_down_is_unavailable() {
        let refused =
            identity(|| Err(AuthError::Unauthenticated(Unauthenticated::PasswordChanged)))
                .identify("t0k")
                .await;
        assert!(
            matches!(refused, Err(IdentityError::Refused(_))),
            "{refused:?}"
        );
        let down = identity(|| Err(AuthError::Unavailable(anyhow::anyhow!("refused"))))
            .identify("t0k")
            .await;
        assert!(
            matches!(down, Err(IdentityError::Unavailable(_))),
            "{down:?}"
        );
    }
}
