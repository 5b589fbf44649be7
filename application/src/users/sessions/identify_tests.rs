//! `identify`: the guards' question, answered from the password versions alone. Every other port is a
//! mock without expectations, so a test fails if `identify` reads a user row or does bcrypt work.

use domain::UserId;

use super::tests::{claims, verifying};
use super::*;
use crate::users::ports::{
    MockLoginAttempts, MockPasswordHasher, MockPasswordVersions, MockUserRepository, TokenRejected,
};
use crate::users::test_support::clock_at;

fn identifying(
    tokens: crate::users::ports::MockSessionTokens,
    versions: MockPasswordVersions,
) -> impl AuthUseCases {
    AuthService::new(
        MockUserRepository::new(),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        clock_at(9),
        tokens,
        versions,
    )
}

/// Versions that answer `current` for user 1 alone, once.
fn versions_answering(current: Option<i64>) -> MockPasswordVersions {
    let mut versions = MockPasswordVersions::new();
    versions
        .expect_current()
        .withf(|id| id.get() == 1)
        .times(1)
        .returning(move |_| Ok(current));
    versions
}

#[tokio::test]
async fn a_token_of_the_current_version_identifies_its_user_without_reading_the_user() {
    let svc = identifying(verifying(Ok(claims(5))), versions_answering(Some(1)));
    let id = svc.identify("t").await.expect("identified");
    assert_eq!(id, UserId::try_new(1).expect("id"));
}

#[tokio::test]
async fn a_token_of_an_older_version_is_revoked() {
    let svc = identifying(verifying(Ok(claims(5))), versions_answering(Some(2)));
    let err = svc.identify("t").await.expect_err("revoked");
    assert!(
        matches!(
            err,
            AuthError::Unauthenticated(Unauthenticated::PasswordChanged)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_token_of_a_user_who_is_gone_is_unknown() {
    let svc = identifying(verifying(Ok(claims(5))), versions_answering(None));
    let err = svc.identify("t").await.expect_err("gone");
    assert!(
        matches!(
            err,
            AuthError::Unauthenticated(Unauthenticated::UnknownUser)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_rejected_token_asks_for_no_version() {
    let svc = identifying(
        verifying(Err(TokenRejected::Expired)),
        MockPasswordVersions::new(),
    );
    let err = svc.identify("t").await.expect_err("expired");
    assert!(
        matches!(
            err,
            AuthError::Unauthenticated(Unauthenticated::Token(TokenRejected::Expired))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn versions_that_are_unavailable_make_identify_unavailable_not_unauthenticated() {
    let mut versions = MockPasswordVersions::new();
    versions.expect_current().returning(|_| {
        Err(crate::ports::RepositoryError::Unavailable(anyhow::anyhow!(
            "down"
        )))
    });
    let svc = identifying(verifying(Ok(claims(5))), versions);
    let err = svc.identify("t").await.expect_err("down");
    assert!(matches!(err, AuthError::Unavailable(_)), "{err:?}");
}
