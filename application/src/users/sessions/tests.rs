//! Login and authentication with every port mocked. A mock with no expectation panics if called, which
//! is how "no bcrypt work" and "nothing is written" are asserted.

use chrono::TimeDelta;
use domain::{FailedAttempts, UserId};

use super::*;
use crate::ports::MockClock;
use crate::users::ports::{
    IssuedToken, MockLoginAttempts, MockPasswordHasher, MockPasswordVersions, MockSessionTokens,
    MockUserRepository, SessionToken, TokenClaims, TokenRejected,
};
use crate::users::test_support::{at, checks_start_from, clock_at, readable_hasher, stored};

type Service = AuthService<
    MockUserRepository,
    MockLoginAttempts,
    MockPasswordHasher,
    MockClock,
    MockSessionTokens,
    MockPasswordVersions,
>;

fn service(
    repo: MockUserRepository,
    attempts: MockLoginAttempts,
    hasher: MockPasswordHasher,
    clock: MockClock,
    tokens: MockSessionTokens,
) -> Service {
    // Only `identify` reads the versions; its own tests give them (identify_tests.rs).
    AuthService::new(
        repo,
        attempts,
        hasher,
        clock,
        tokens,
        MockPasswordVersions::new(),
    )
}

fn issuing_tokens() -> MockSessionTokens {
    let mut tokens = MockSessionTokens::new();
    tokens.expect_issue().returning(|user, version, now| {
        Ok(IssuedToken {
            token: SessionToken::new(format!(
                "token-for-{user}-v{version}-at-{}",
                now.timestamp()
            )),
            lifetime: TimeDelta::hours(1),
        })
    });
    tokens
}

fn repo_with(email: &str, hash: &str) -> MockUserRepository {
    let mut repo = MockUserRepository::new();
    let mut user = stored(1, email, hash);
    // Changed twice since sign-up; the token must carry this version.
    user.password_version = 3;
    repo.expect_find_by_email()
        .returning(move |_| Ok(Some(user.clone())));
    repo
}

#[tokio::test]
async fn the_right_password_issues_a_token_for_the_user() {
    let mut attempts = MockLoginAttempts::new();
    let repo = repo_with("a@b.co", "hash(MyPassword1!)");
    checks_start_from(&mut attempts, FailedAttempts::default());
    // The check took a place before bcrypt; the success must resolve it as verified.
    attempts
        .expect_resolve_password_check()
        .withf(|id, verified, _| id.get() == 1 && *verified)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let svc = service(
        repo,
        attempts,
        readable_hasher(),
        clock_at(7),
        issuing_tokens(),
    );
    let session = svc
        .login("A@b.co", "MyPassword1!")
        .await
        .expect("logged in");
    assert_eq!(session.user.id.get(), 1);
    let expected_token = format!("token-for-1-v3-at-{}", at(7).timestamp());
    assert_eq!(session.token.token.expose(), expected_token);
}

/// Attempts that admit the check and take the success's clearing.
fn admitting_attempts() -> MockLoginAttempts {
    let mut attempts = MockLoginAttempts::new();
    checks_start_from(&mut attempts, FailedAttempts::default());
    attempts
        .expect_resolve_password_check()
        .returning(|_, _, _| Ok(()));
    attempts
}

/// Verifies as [`readable_hasher`] does, but finds every stored hash of another cost; its fresh hash
/// of `p` is `rehash(p)`.
fn rehashing_hasher() -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .returning(|p, h| Ok(h.expose() == format!("hash({})", p.expose())));
    hasher.expect_needs_rehash().return_const(true);
    hasher
        .expect_hash()
        .times(1)
        .returning(|p| Ok(domain::PasswordHash::new(format!("rehash({})", p.expose()))));
    hasher
}

/// A hash of an older cost is replaced after the right password is verified, by a compare-and-set on
/// the hash just verified; the login goes on as before.
#[tokio::test]
async fn a_right_password_under_an_older_cost_is_rehashed_by_compare_and_set() {
    let mut repo = repo_with("a@b.co", "hash(MyPassword1!)");
    repo.expect_rehash_password()
        .withf(|id, expected, new| {
            id.get() == 1
                && expected.expose() == "hash(MyPassword1!)"
                && new.expose() == "rehash(MyPassword1!)"
        })
        .times(1)
        .returning(|_, _, _| Ok(true));
    let svc = service(
        repo,
        admitting_attempts(),
        rehashing_hasher(),
        clock_at(7),
        issuing_tokens(),
    );
    let session = svc
        .login("a@b.co", "MyPassword1!")
        .await
        .expect("logged in");
    assert_eq!(session.user.id.get(), 1);
}

/// The rehash is best effort: the old hash still verifies, so a failed write must not fail the login.
#[tokio::test]
async fn a_rehash_that_cannot_be_written_does_not_fail_the_login() {
    let mut repo = repo_with("a@b.co", "hash(MyPassword1!)");
    repo.expect_rehash_password().times(1).returning(|_, _, _| {
        Err(crate::ports::RepositoryError::Unavailable(anyhow::anyhow!(
            "down"
        )))
    });
    let svc = service(
        repo,
        admitting_attempts(),
        rehashing_hasher(),
        clock_at(7),
        issuing_tokens(),
    );
    svc.login("a@b.co", "MyPassword1!")
        .await
        .expect("logged in");
}

#[tokio::test]
async fn a_wrong_password_counts_a_failure_and_is_invalid_credentials() {
    let mut attempts = MockLoginAttempts::new();
    let repo = repo_with("a@b.co", "hash(MyPassword1!)");
    // Admitted once, before bcrypt, and resolved as a failure.
    attempts
        .expect_admit_password_check()
        .times(1)
        .returning(|_, policy, _| Ok(FailedAttempts::default().admit(at(0), policy)));
    attempts
        .expect_resolve_password_check()
        .withf(|_, verified, _| !*verified)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let svc = service(
        repo,
        attempts,
        readable_hasher(),
        clock_at(7),
        MockSessionTokens::new(),
    );
    let err = svc.login("a@b.co", "Wrong-Pass1").await.expect_err("wrong");
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn an_unknown_email_does_a_dummy_verify_and_gets_the_same_answer() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_email().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify_against_dummy()
        .times(1)
        .returning(|_| Ok(()));
    let svc = service(
        repo,
        MockLoginAttempts::new(),
        hasher,
        clock_at(7),
        MockSessionTokens::new(),
    );
    let err = svc
        .login("nobody@b.co", "MyPassword1!")
        .await
        .expect_err("unknown");
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn a_locked_account_refuses_even_the_right_password_without_bcrypt() {
    let mut attempts = MockLoginAttempts::new();
    let repo = repo_with("a@b.co", "hash(MyPassword1!)");
    checks_start_from(
        &mut attempts,
        FailedAttempts {
            count: 5,
            locked_until: Some(at(100)),
            ..FailedAttempts::default()
        },
    );
    // Only the wait, so that the answer takes as long as a wrong password's; no bcrypt work.
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_wait_as_long_as_verify()
        .times(1)
        .return_const(());
    let svc = service(
        repo,
        attempts,
        hasher,
        clock_at(99),
        MockSessionTokens::new(),
    );
    let err = svc
        .login("a@b.co", "MyPassword1!")
        .await
        .expect_err("locked");
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn a_password_no_account_could_have_is_refused_without_any_lookup() {
    let svc = service(
        MockUserRepository::new(),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        MockClock::new(),
        MockSessionTokens::new(),
    );
    let err = svc.login("a@b.co", "short").await.expect_err("weak");
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn a_malformed_email_is_bad_input_naming_the_field() {
    let svc = service(
        MockUserRepository::new(),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        MockClock::new(),
        MockSessionTokens::new(),
    );
    let err = svc
        .login("not-an-email", "MyPassword1!")
        .await
        .expect_err("bad");
    let LoginError::InvalidInput(errors) = err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(errors.fields()[0].field, "email");
}

pub(super) fn verifying(claims: Result<TokenClaims, TokenRejected>) -> MockSessionTokens {
    let mut tokens = MockSessionTokens::new();
    tokens.expect_verify().returning(move |_, _| claims);
    tokens
}

/// A token issued at `issued`, under password version 1.
pub(super) fn claims(issued: i64) -> TokenClaims {
    TokenClaims {
        user_id: UserId::try_new(1).expect("id"),
        issued_at: at(issued),
        password_version: 1,
    }
}

/// The user as stored, last changed at `updated`, with password version `version`.
fn repo_finding_version(updated: i64, version: i64) -> MockUserRepository {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_id().returning(move |_| {
        let mut user = stored(1, "a@b.co", "h");
        user.updated_at = at(updated);
        user.password_version = version;
        Ok(Some(user))
    });
    repo
}

fn repo_finding(updated: i64) -> MockUserRepository {
    repo_finding_version(updated, 1)
}

#[tokio::test]
async fn a_valid_token_authenticates_its_user() {
    let svc = service(
        repo_finding(0),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        clock_at(9),
        verifying(Ok(claims(5))),
    );
    let user = svc.authenticate("t").await.expect("authenticated");
    assert_eq!(user.id.get(), 1);
}

/// The old rule compared issue times with `updated_at`; the version alone decides now.
#[tokio::test]
async fn a_token_of_the_current_password_version_authenticates_whatever_the_times() {
    let svc = service(
        repo_finding_version(8, 1),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        clock_at(9),
        verifying(Ok(claims(5))),
    );
    let user = svc.authenticate("t").await.expect("authenticated");
    assert_eq!(user.password_version, 1);
}

#[tokio::test]
async fn a_rejected_token_is_unauthenticated_without_a_lookup() {
    let svc = service(
        MockUserRepository::new(),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        clock_at(9),
        verifying(Err(TokenRejected::Expired)),
    );
    let err = svc.authenticate("t").await.expect_err("expired");
    assert!(
        matches!(
            err,
            AuthError::Unauthenticated(Unauthenticated::Token(TokenRejected::Expired))
        ),
        "{err:?}"
    );
}

/// Times play no part: a token issued after the change's commit time, but under the old version (a
/// login that read the row before the change), is revoked all the same.
#[tokio::test]
async fn a_token_issued_before_the_password_changed_is_revoked() {
    let svc = service(
        repo_finding_version(4, 2),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        clock_at(9),
        verifying(Ok(claims(5))),
    );
    let err = svc.authenticate("t").await.expect_err("revoked");
    assert!(
        matches!(
            err,
            AuthError::Unauthenticated(Unauthenticated::PasswordChanged)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_token_of_a_deleted_user_is_unauthenticated() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_id().returning(|_| Ok(None));
    let svc = service(
        repo,
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        clock_at(9),
        verifying(Ok(claims(5))),
    );
    let err = svc.authenticate("t").await.expect_err("gone");
    assert!(
        matches!(
            err,
            AuthError::Unauthenticated(Unauthenticated::UnknownUser)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_login_still_waiting_for_the_accounts_checks_in_flight_is_busy_not_wrong() {
    let mut attempts = MockLoginAttempts::new();
    attempts
        .expect_admit_password_check()
        .times(1)
        .returning(|_, _, _| Ok(Err(domain::Refusal::Busy)));
    let svc = service(
        repo_with("a@b.co", "hash(MyPassword1!)"),
        attempts,
        MockPasswordHasher::new(),
        clock_at(7),
        MockSessionTokens::new(),
    );
    let err = svc.login("a@b.co", "MyPassword1!").await.expect_err("busy");
    assert!(matches!(err, LoginError::Busy), "{err:?}");
}

#[tokio::test]
async fn a_hash_that_cannot_be_checked_is_resolved_as_a_failure() {
    let mut attempts = MockLoginAttempts::new();
    checks_start_from(&mut attempts, FailedAttempts::default());
    attempts
        .expect_resolve_password_check()
        .withf(|_, verified, _| !*verified)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| {
        Err(crate::users::ports::HashError::MalformedHash(
            anyhow::anyhow!("bad"),
        ))
    });
    let svc = service(
        repo_with("a@b.co", "not-a-hash"),
        attempts,
        hasher,
        clock_at(7),
        MockSessionTokens::new(),
    );
    let err = svc
        .login("a@b.co", "MyPassword1!")
        .await
        .expect_err("broken");
    assert!(matches!(err, LoginError::Unexpected(_)), "{err:?}");
}
