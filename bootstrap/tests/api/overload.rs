//! Overload: far more concurrent password checks than the service lets in flight. A burst waits for
//! places; what finds none within the wait is refused with `RATE_LIMITED` and `Retry-After` (nothing
//! read, counted or written for it), the admitted ones complete, and other queries keep being served.

use futures::future::join_all;

use crate::helpers::{CALLER, SEED_PASSWORD, TestApp, default_check_limits_at_cost_10, error_code};

#[tokio::test]
async fn excess_password_checks_are_rate_limited_and_reads_keep_flowing() {
    let app = TestApp::spawn_with(|s| {
        // A real cost on one worker, so that two checks in flight take a noticeable time.
        s.modules.users.bcrypt_cost = 12;
        s.modules.users.bcrypt_max_concurrency = 1;
        s.modules.users.password_checks_in_flight = 2;
        // Shorter than one hash, so that most of the burst finds no place in time.
        s.modules.users.password_check_wait_ms = 100;
    })
    .await;
    app.sign_in().await;

    let sign_ups = (0..30).map(|i| {
        let app = &app;
        async move {
            app.upsert(&format!("burst{i}@example.com"), SEED_PASSWORD, None)
                .await
        }
    });
    let reads = async {
        let mut answers = Vec::new();
        for _ in 0..10 {
            answers.push(app.graphql("{ me { email } users(first: 5) { id } }").await);
        }
        answers
    };
    let (answers, reads) = tokio::join!(join_all(sign_ups), reads);

    let refused = answers
        .iter()
        .filter(|a| error_code(a) == Some("RATE_LIMITED"))
        .count();
    let created = answers.iter().filter(|a| a["errors"].is_null()).count();
    assert_eq!(
        refused + created,
        30,
        "only RATE_LIMITED or success: {answers:?}"
    );
    assert!(refused >= 15, "2 in flight, 30 at once: {refused} refused");
    assert!(created >= 2, "the admitted checks completed");
    assert_eq!(
        app.count_users().await,
        i64::try_from(created).expect("small") + 1,
        "a refused sign-up wrote nothing"
    );
    for read in reads {
        assert!(read["errors"].is_null(), "reads are served: {read}");
        assert_eq!(read["data"]["me"]["email"], CALLER);
    }
    // Once the burst is over, a retry goes through.
    let retry = app
        .upsert("burst-retry@example.com", SEED_PASSWORD, None)
        .await;
    assert!(retry["errors"].is_null(), "{retry}");
}

#[tokio::test]
async fn bad_input_is_named_as_such_while_every_slot_is_taken() {
    let app = TestApp::spawn_with(|s| {
        // About a second per hash, so that one sign-up holds the only slot for the whole test.
        s.modules.users.bcrypt_cost = 14;
        s.modules.users.password_checks_in_flight = 1;
        // Probes are refused at once, so that they show the slot taken without waiting for it.
        s.modules.users.password_check_wait_ms = 0;
    })
    .await;
    let held = app.upsert("slow@example.com", SEED_PASSWORD, None);
    let probe = || app.upsert("probe@example.com", SEED_PASSWORD, None);
    let checks = async {
        // Give the slow sign-up a head start (a probe that won the slot would hold it instead), then
        // wait until it holds the slot: a well-formed sign-up is refused.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let mut refused = false;
        for _ in 0..50 {
            if error_code(&probe().await) == Some("RATE_LIMITED") {
                refused = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(refused, "the only slot was never seen taken");

        let weak = app.upsert("weak@example.com", "password", None).await;
        let bad_login = app
            .graphql_with(serde_json::json!({
                "query": "mutation { login(loginInput: { email: \"not-an-email\", password: \"MyPassword1!\" }) { id } }"
            }))
            .await;

        // Still taken after them, so they were answered while no slot was free.
        let after = probe().await;
        (weak, bad_login, after)
    };
    let (held, (weak, bad_login, after)) = tokio::join!(held, checks);

    assert!(held["errors"].is_null(), "{held}");
    assert_eq!(error_code(&after), Some("RATE_LIMITED"), "{after}");
    assert_eq!(error_code(&weak), Some("BAD_USER_INPUT"), "{weak}");
    assert_eq!(
        weak["errors"][0]["extensions"]["fields"][0]["field"], "password",
        "{weak}"
    );
    assert_eq!(
        error_code(&bad_login),
        Some("BAD_USER_INPUT"),
        "{bad_login}"
    );
    assert_eq!(
        bad_login["errors"][0]["extensions"]["fields"][0]["field"], "email",
        "{bad_login}"
    );
}

/// Cost 10 on this machine's cores: 100 hashes take a few seconds in all, so every sign-up of a burst
/// of 100 finds a place within the default wait, though only 64 fit in flight.
#[tokio::test]
async fn a_burst_of_a_hundred_sign_ups_is_served_not_refused() {
    let app = TestApp::spawn_with(default_check_limits_at_cost_10).await;
    let answers = join_all((0..100).map(|i| {
        let app = &app;
        async move {
            app.upsert(&format!("crowd{i}@example.com"), SEED_PASSWORD, None)
                .await
        }
    }))
    .await;
    let refused: Vec<_> = answers.iter().filter(|a| !a["errors"].is_null()).collect();
    assert!(
        refused.is_empty(),
        "{} of 100 refused: {:?}",
        refused.len(),
        refused.first()
    );
    assert_eq!(app.count_users().await, 100);
}

#[tokio::test]
async fn a_check_that_finds_no_place_in_time_is_refused_with_retry_after() {
    let app = TestApp::spawn_with(|s| {
        s.modules.users.bcrypt_cost = 14;
        s.modules.users.password_checks_in_flight = 1;
        s.modules.users.password_check_wait_ms = 200;
    })
    .await;
    let held = app.upsert("slow@example.com", SEED_PASSWORD, None);
    let probe = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let started = std::time::Instant::now();
        let query =
            "mutation($input: UpsertUserInput!) { upsertUser(upsertUserInput: $input) { id } }";
        let input = serde_json::json!({ "email": "probe@example.com", "password": SEED_PASSWORD });
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&serde_json::json!({ "query": query, "variables": { "input": input } }))
            .send()
            .await
            .expect("sent");
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: serde_json::Value = response.json().await.expect("JSON");
        (body, retry_after, started.elapsed())
    };
    let (held, (body, retry_after, waited)) = tokio::join!(held, probe);
    assert!(held["errors"].is_null(), "{held}");
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert!(
        waited >= std::time::Duration::from_millis(200),
        "it waited for a place before the refusal: {waited:?}"
    );
}

/// Issue 11, item 11: all with the right password, so none may be refused as wrong. The checks that
/// find the account's lockout threshold taken by checks still in flight wait for them to resolve.
/// Default settings but the cost, over three replicas of one database, as a deployment runs.
#[tokio::test]
async fn a_hundred_upserts_of_one_email_with_its_password_over_three_replicas_all_succeed() {
    let defaults = |s: &mut bootstrap::Settings| {
        let defaults = bootstrap::service::users::UsersSettings::default();
        s.modules.users = bootstrap::service::users::UsersSettings {
            bcrypt_cost: 10,
            ..defaults
        };
    };
    let first = TestApp::spawn_with(defaults).await;
    let replicas = [
        first.spawn_replica(defaults).await,
        first.spawn_replica(defaults).await,
    ];
    let apps = [&first, &replicas[0], &replicas[1]];
    let answers =
        join_all((0..100).map(|i| apps[i % 3].upsert("together@example.com", SEED_PASSWORD, None)))
            .await;
    let failed: Vec<_> = answers.iter().filter(|a| !a["errors"].is_null()).collect();
    assert!(
        failed.is_empty(),
        "{} of 100 failed, the first: {:?}",
        failed.len(),
        failed.first()
    );
    let ids: std::collections::HashSet<_> = answers
        .iter()
        .map(|a| a["data"]["upsertUser"]["id"].clone())
        .collect();
    assert_eq!(ids.len(), 1, "one user, returned to all");
}
