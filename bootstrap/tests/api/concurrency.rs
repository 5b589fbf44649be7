//! Races a client can cause with ordinary requests.

use std::collections::HashSet;

use futures::future::join_all;

use crate::helpers::{SEED_NEW_PASSWORD, SEED_PASSWORD, TestApp, error_code, on_both_stores};

on_both_stores!(
    a_hundred_concurrent_upserts_of_one_new_email_make_one_user,
    case_variants_of_one_email_signed_up_at_once_make_one_user,
    concurrent_sign_ups_with_different_passwords_have_one_winner_and_no_internal_errors,
    concurrent_password_changes_from_one_old_password_have_exactly_one_winner,
    logins_racing_a_password_change_get_a_session_or_invalid_credentials,
);

async fn a_hundred_concurrent_upserts_of_one_new_email_make_one_user(app: &TestApp) {
    let bodies =
        join_all((0..100).map(|_| app.upsert("race@example.com", SEED_PASSWORD, None))).await;
    let ids: HashSet<String> = bodies
        .iter()
        .map(|b| {
            assert!(b["errors"].is_null(), "every request succeeds: {b}");
            b["data"]["upsertUser"]["id"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "all of them see the same user");
    assert_eq!(app.count_users().await, 1);
}

async fn concurrent_sign_ups_with_different_passwords_have_one_winner_and_no_internal_errors(
    app: &TestApp,
) {
    let bodies = join_all((0..100).map(|i| async move {
        (
            i,
            app.upsert("Race@Example.com", &format!("Password{i}!"), None)
                .await,
        )
    }))
    .await;
    let winners: Vec<usize> = bodies
        .iter()
        .filter(|(_, b)| b["errors"].is_null())
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one password became the account's"
    );
    for (_, body) in bodies.iter().filter(|(_, b)| !b["errors"].is_null()) {
        assert_eq!(error_code(body), Some("INVALID_CURRENT_PASSWORD"), "{body}");
    }
    assert_eq!(app.count_users().await, 1);
    let confirm = app
        .upsert(
            "race@example.com",
            &format!("Password{}!", winners[0]),
            None,
        )
        .await;
    assert!(
        confirm["errors"].is_null(),
        "the winner's password is the stored one: {confirm}"
    );
}

async fn concurrent_password_changes_from_one_old_password_have_exactly_one_winner(app: &TestApp) {
    app.upsert("change@example.com", SEED_PASSWORD, None).await;
    let bodies = join_all((0..20).map(|i| async move {
        (
            i,
            app.upsert(
                "change@example.com",
                SEED_PASSWORD,
                Some(&format!("NewPassword{i}!")),
            )
            .await,
        )
    }))
    .await;
    let winners: Vec<usize> = bodies
        .iter()
        .filter(|(_, b)| b["errors"].is_null())
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(winners.len(), 1, "{bodies:?}");
    for (_, body) in bodies.iter().filter(|(_, b)| !b["errors"].is_null()) {
        let code = error_code(body);
        assert!(
            matches!(code, Some("INVALID_CURRENT_PASSWORD" | "CONFLICT")),
            "{body}"
        );
    }
    let winner = app
        .upsert(
            "change@example.com",
            &format!("NewPassword{}!", winners[0]),
            None,
        )
        .await;
    assert!(
        winner["errors"].is_null(),
        "the stored hash is the winner's: {winner}"
    );
    let old = app.upsert("change@example.com", SEED_PASSWORD, None).await;
    assert_eq!(error_code(&old), Some("INVALID_CURRENT_PASSWORD"));
}

async fn logins_racing_a_password_change_get_a_session_or_invalid_credentials(app: &TestApp) {
    app.upsert("moving@example.com", SEED_PASSWORD, None).await;
    let logins = join_all((0..20).map(|_| app.login_response("moving@example.com", SEED_PASSWORD)));
    let change = app.upsert("moving@example.com", SEED_PASSWORD, Some(SEED_NEW_PASSWORD));
    let (logins, change) = tokio::join!(logins, change);
    assert!(
        change["errors"].is_null(),
        "the change goes through: {change}"
    );
    for response in logins {
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("JSON");
        let code = error_code(&body);
        assert!(
            body["errors"].is_null() || code == Some("INVALID_CREDENTIALS"),
            "a session, or the old password already replaced: {body}"
        );
    }
    let old = app
        .login_response("moving@example.com", SEED_PASSWORD)
        .await;
    let old: serde_json::Value = old.json().await.expect("JSON");
    assert_eq!(error_code(&old), Some("INVALID_CREDENTIALS"), "{old}");
    let token = app.log_in("moving@example.com", SEED_NEW_PASSWORD).await;
    assert!(!token.is_empty(), "the new password is the stored one");
}

async fn case_variants_of_one_email_signed_up_at_once_make_one_user(app: &TestApp) {
    let variants = [
        "case@example.com",
        "CASE@example.com",
        "Case@Example.COM",
        " case@EXAMPLE.com ",
    ];
    let bodies =
        join_all((0..40).map(|i| app.upsert(variants[i % variants.len()], SEED_PASSWORD, None)))
            .await;
    for body in &bodies {
        assert!(
            body["errors"].is_null(),
            "one account, one password: {body}"
        );
    }
    let ids: HashSet<&str> = bodies
        .iter()
        .filter_map(|b| b["data"]["upsertUser"]["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 1, "every variant is the same user");
    assert_eq!(app.count_users().await, 1);
}
