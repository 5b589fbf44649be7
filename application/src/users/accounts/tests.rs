//! Use-case tests: every port is a mockall mock, so each test states exactly which calls may happen.
//! A mock with no expectation panics if called, which is how "nothing is written" is asserted.

use domain::{Email, FailedAttempts, User, UserId};
use mockall::Sequence;
use mockall::predicate::eq;

use super::*;
use crate::ports::{MockClock, RepositoryError};
use crate::users::ports::{
    CreateUserError, MockLoginAttempts, MockPasswordHasher, MockUserRepository, NewUser,
};
use crate::users::test_support::{
    at, checks_start_from, clock_at, no_failures, readable_hasher, stored,
};

fn input(email: &str, password: &str, new_password: Option<&str>) -> UpsertUserInput {
    UpsertUserInput {
        email: email.to_owned(),
        password: password.to_owned(),
        new_password: new_password.map(str::to_owned),
    }
}

type Upserts =
    UpsertUserService<MockUserRepository, MockLoginAttempts, MockPasswordHasher, MockClock>;

fn service(
    repository: MockUserRepository,
    attempts: MockLoginAttempts,
    hasher: MockPasswordHasher,
    clock: MockClock,
) -> Upserts {
    UpsertUserService::new(repository, attempts, hasher, clock)
}

#[tokio::test]
async fn invalid_input_reports_every_field_and_touches_no_port() {
    let svc = service(
        MockUserRepository::new(),
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        MockClock::new(),
    );
    let err = svc
        .upsert_user(input("nope", "weak", Some("alsoweak")))
        .await
        .expect_err("invalid");
    let UpsertUserError::InvalidInput(errors) = err else {
        panic!("expected InvalidInput, got {err:?}")
    };
    let fields: Vec<&str> = errors.fields().iter().map(|f| f.field).collect();
    assert_eq!(fields, ["email", "password", "newPassword"]);
}

#[tokio::test]
async fn an_unknown_email_is_created_with_a_hash_and_the_clocks_time() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_email().returning(|_| Ok(None));
    repo.expect_create()
        .withf(|new: &NewUser| {
            new.email.as_str() == "my-email2@msn.com"
                && new.password_hash.expose() == "hash(MyPassword1!)"
                && new.created_at == at(5)
        })
        .times(1)
        .returning(|new| {
            Ok(User {
                id: UserId::try_new(7).expect("id"),
                email: new.email,
                password_hash: new.password_hash,
                password_version: 1,
                created_at: new.created_at,
                updated_at: new.created_at,
            })
        });
    let svc = service(
        repo,
        MockLoginAttempts::new(),
        readable_hasher(),
        clock_at(5),
    );
    let user = svc
        .upsert_user(input("My-Email2@MSN.com", "MyPassword1!", None))
        .await
        .expect("created");
    assert_eq!(user.id.get(), 7);
    assert_eq!(user.email.as_str(), "my-email2@msn.com");
}

#[tokio::test]
async fn a_wrong_current_password_is_a_client_error_and_writes_nothing() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    // Admitted before bcrypt, and resolved as a failure after it.
    attempts
        .expect_admit_password_check()
        .withf(|id, _, _| id.get() == 1)
        .times(1)
        .returning(|_, policy, _| Ok(FailedAttempts::default().admit(at(0), policy)));
    attempts
        .expect_resolve_password_check()
        .withf(|id, verified, _| id.get() == 1 && !*verified)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let svc = service(repo, attempts, readable_hasher(), clock_at(5));
    let err = svc
        .upsert_user(input("a@b.co", "OtherPass1!", Some("MyPassword2!")))
        .await
        .expect_err("wrong");
    assert!(
        matches!(err, UpsertUserError::InvalidCurrentPassword),
        "{err:?}"
    );
}

#[tokio::test]
async fn no_new_password_returns_the_stored_user_untouched() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    let existing = stored(1, "a@b.co", "hash(MyPassword1!)");
    let returned = existing.clone();
    repo.expect_find_by_email()
        .returning(move |_| Ok(Some(returned.clone())));
    no_failures(&mut attempts);
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(1).returning(|_, _| Ok(true));
    // At the current cost, so nothing is rehashed and nothing written.
    hasher.expect_needs_rehash().return_const(false);
    // The clock dates the admitted check; no user write is expected, so none can take its time.
    let svc = service(repo, attempts, hasher, clock_at(0));
    let user = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect("unchanged");
    assert_eq!(user, existing);
}

#[tokio::test]
async fn the_same_new_password_is_no_change_and_is_not_hashed() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    no_failures(&mut attempts);
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(1).returning(|_, _| Ok(true));
    // At the current cost, so nothing is rehashed and nothing written.
    hasher.expect_needs_rehash().return_const(false);
    // The clock dates the admitted check; no user write is expected, so none can take its time.
    let svc = service(repo, attempts, hasher, clock_at(0));
    let user = svc
        .upsert_user(input("a@b.co", "MyPassword1!", Some("MyPassword1!")))
        .await
        .expect("unchanged");
    assert_eq!(user.updated_at, at(0));
}

#[tokio::test]
async fn a_new_password_is_hashed_and_compare_and_set_against_the_verified_hash() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    no_failures(&mut attempts);
    repo.expect_replace_password_hash()
        .withf(|id, expected, new, when| {
            id.get() == 1
                && expected.expose() == "hash(MyPassword1!)"
                && new.expose() == "hash(MyPassword2!)"
                && *when == at(9)
        })
        .times(1)
        .returning(|_, _, new, when| {
            let mut user = stored(1, "a@b.co", new.expose());
            user.updated_at = when;
            Ok(Some(user))
        });
    let svc = service(repo, attempts, readable_hasher(), clock_at(9));
    let user = svc
        .upsert_user(input("a@b.co", "MyPassword1!", Some("MyPassword2!")))
        .await
        .expect("changed");
    assert_eq!(user.password_hash.expose(), "hash(MyPassword2!)");
    assert_eq!(user.updated_at, at(9));
}

#[tokio::test]
async fn losing_a_creation_race_takes_the_existing_user_path() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    let mut seq = Sequence::new();
    repo.expect_find_by_email()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(None));
    repo.expect_create()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Err(CreateUserError::EmailTaken));
    repo.expect_find_by_email()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(Some(stored(3, "a@b.co", "hash(MyPassword1!)"))));
    no_failures(&mut attempts);
    let svc = service(repo, attempts, readable_hasher(), clock_at(1));
    let user = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect("winner's user");
    assert_eq!(user.id.get(), 3);
}

#[tokio::test]
async fn losing_a_password_race_re_verifies_against_the_winners_hash() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    let mut seq = Sequence::new();
    repo.expect_find_by_email()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    repo.expect_replace_password_hash()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _, _| Ok(None));
    repo.expect_find_by_email()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(Winner123!)"))));
    // Both checks are admitted first; the first passes and clears, the second is against the winner's
    // hash, so it fails and counts.
    attempts
        .expect_admit_password_check()
        .times(2)
        .returning(|_, policy, _| Ok(FailedAttempts::default().admit(at(0), policy)));
    let mut outcomes = Sequence::new();
    for expected in [true, false] {
        attempts
            .expect_resolve_password_check()
            .withf(move |_, verified, _| *verified == expected)
            .times(1)
            .in_sequence(&mut outcomes)
            .returning(|_, _, _| Ok(()));
    }
    let svc = service(repo, attempts, readable_hasher(), clock_at(1));
    let err = svc
        .upsert_user(input("a@b.co", "MyPassword1!", Some("MyPassword2!")))
        .await
        .expect_err("lost");
    assert!(
        matches!(err, UpsertUserError::InvalidCurrentPassword),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_locked_account_gets_the_wrong_password_answer_without_any_bcrypt_work() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    checks_start_from(
        &mut attempts,
        FailedAttempts {
            count: 5,
            locked_until: Some(at(60)),
            ..FailedAttempts::default()
        },
    );
    // Only the wait: any verify or hash call fails the test.
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_wait_as_long_as_verify()
        .times(1)
        .return_const(());
    let svc = service(repo, attempts, hasher, clock_at(30));
    let err = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect_err("locked");
    assert!(
        matches!(err, UpsertUserError::InvalidCurrentPassword),
        "even the right password gets the wrong-password answer: {err:?}"
    );
}

#[tokio::test]
async fn a_success_after_failures_clears_them_and_an_expired_lock_does_not_hold() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    checks_start_from(
        &mut attempts,
        FailedAttempts {
            count: 7,
            // The store's clock reads at(0): the lock has just ended.
            locked_until: Some(at(0)),
            ..FailedAttempts::default()
        },
    );
    attempts
        .expect_resolve_password_check()
        .withf(|id, verified, _| id.get() == 1 && *verified)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let svc = service(repo, attempts, readable_hasher(), clock_at(60));
    let user = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect("the lock ended at 60 s");
    assert_eq!(user.id.get(), 1);
}

#[tokio::test]
async fn a_race_that_never_settles_ends_in_conflict_after_bounded_attempts() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_email().times(3).returning(|_| Ok(None));
    repo.expect_create()
        .times(3)
        .returning(|_| Err(CreateUserError::EmailTaken));
    let svc = service(
        repo,
        MockLoginAttempts::new(),
        readable_hasher(),
        clock_at(1),
    );
    let err = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect_err("conflict");
    assert!(matches!(err, UpsertUserError::Conflict), "{err:?}");
}

#[tokio::test]
async fn an_unavailable_store_is_reported_as_unavailable() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_email().returning(|_| {
        Err(RepositoryError::Unavailable(anyhow::anyhow!(
            "connection refused"
        )))
    });
    let svc = service(
        repo,
        MockLoginAttempts::new(),
        MockPasswordHasher::new(),
        MockClock::new(),
    );
    let err = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect_err("down");
    assert!(matches!(err, UpsertUserError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn user_by_id_refuses_non_ids_and_passes_real_ones_through() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_id()
        .with(eq(UserId::try_new(42).expect("id")))
        .times(1)
        .returning(|_| Ok(None));
    let svc = UserQueryService::new(repo);
    assert!(svc.user("42").await.expect("ok").is_none());
    let err = svc.user("abc").await.expect_err("not an id");
    let QueryError::InvalidInput(errors) = err else {
        panic!("expected InvalidInput")
    };
    assert_eq!(errors.fields()[0].field, "id");
}

#[tokio::test]
async fn user_by_email_looks_up_the_normalised_form() {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_email()
        .withf(|e: &Email| e.as_str() == "alice@example.com")
        .times(1)
        .returning(|_| Ok(Some(stored(1, "alice@example.com", "h"))));
    let svc = UserQueryService::new(repo);
    let user = svc
        .user_by_email(" Alice@Example.com ")
        .await
        .expect("ok")
        .expect("found");
    assert_eq!(user.id.get(), 1);
    let err = svc
        .user_by_email("not-an-email")
        .await
        .expect_err("invalid");
    assert!(matches!(err, QueryError::InvalidInput(_)));
}

#[tokio::test]
async fn users_checks_the_page_size_cap_and_the_cursor() {
    let mut repo = MockUserRepository::new();
    repo.expect_list()
        .withf(|after, first| {
            *after == Some(UserId::try_new(10).expect("id")) && first.get() == 1000
        })
        .times(1)
        .returning(|_, _| Ok(vec![]));
    let svc = UserQueryService::new(repo);
    assert!(
        svc.users(1000, Some("10".to_owned()))
            .await
            .expect("ok")
            .is_empty()
    );
    let err = svc
        .users(1001, Some("x".to_owned()))
        .await
        .expect_err("over the cap");
    let QueryError::InvalidInput(errors) = err else {
        panic!("expected InvalidInput")
    };
    let fields: Vec<&str> = errors.fields().iter().map(|f| f.field).collect();
    assert_eq!(fields, ["first", "after"]);
}

#[test]
fn debug_of_the_input_never_shows_passwords() {
    let shown = format!(
        "{:?}",
        input("a@b.co", "MyPassword1!", Some("MyPassword2!"))
    );
    assert!(!shown.contains("MyPassword"), "{shown}");
}

#[tokio::test]
async fn a_check_still_waiting_for_the_accounts_checks_in_flight_is_busy_not_wrong() {
    let mut repo = MockUserRepository::new();
    let mut attempts = MockLoginAttempts::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(stored(1, "a@b.co", "hash(MyPassword1!)"))));
    let wait = std::time::Duration::from_millis(1_234);
    attempts
        .expect_admit_password_check()
        .withf(move |_, _, w| *w == wait)
        .times(1)
        .returning(|_, _, _| Ok(Err(domain::Refusal::Busy)));
    // No bcrypt, no resolution: the check never ran.
    let svc = service(repo, attempts, MockPasswordHasher::new(), clock_at(1)).with_check_wait(wait);
    let err = svc
        .upsert_user(input("a@b.co", "MyPassword1!", None))
        .await
        .expect_err("busy");
    assert!(matches!(err, UpsertUserError::Busy), "{err:?}");
}
