//! Limits kept per client: a fair share of the password-check places while checks wait, and a limit
//! on one client's failed checks across every account. Clients are told apart by address: each test
//! client binds its own loopback address (127.0.0.2, 127.0.0.3, ...), as separate hosts would connect.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{
    SEED_PASSWORD, TestApp, default_check_limits_at_cost_10, error_code, error_message,
};

/// A client whose connections come from `127.0.0.<last>`.
fn client_at(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .expect("a client")
}

struct Answer {
    body: Value,
    retry_after: Option<String>,
}

impl Answer {
    fn code(&self) -> Option<&str> {
        error_code(&self.body)
    }
}

async fn login(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> Answer {
    let query = "mutation($input: LoginInput!) { login(loginInput: $input) { email } }";
    let body = json!({ "query": query, "variables": { "input": { "email": email, "password": password } } });
    let mut request = client.post(app.url("/graphql")).json(&body);
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    let response = request.send().await.expect("login sent");
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ASCII").to_owned());
    Answer {
        body: response.json().await.expect("JSON"),
        retry_after,
    }
}

const USER: &str = "owner@example.com";

/// Logins with unknown emails from one client, a hundred at a time, until `stop`: each costs a dummy
/// bcrypt verify, so together they take every place in flight and every waiting place.
fn flood(app: &TestApp, stop: &AtomicBool, answered: &AtomicUsize) -> impl Future<Output = ()> {
    let flooder = client_at(2);
    let workers = (0..100).map(move |i| {
        let flooder = flooder.clone();
        async move {
            while !stop.load(Ordering::Relaxed) {
                let answer = login(
                    app,
                    &flooder,
                    &format!("nobody{i}@example.com"),
                    SEED_PASSWORD,
                    None,
                )
                .await;
                assert!(
                    matches!(answer.code(), Some("INVALID_CREDENTIALS" | "RATE_LIMITED")),
                    "{}",
                    answer.body
                );
                answered.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    async move {
        futures::future::join_all(workers).await;
    }
}

/// Starts a flood, lets it fill the queue, then times one right login from another client.
async fn login_during_a_flood(app: &TestApp) -> (Answer, Duration, usize) {
    let stop = AtomicBool::new(false);
    let answered = AtomicUsize::new(0);
    let victim = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let started = Instant::now();
        let answer = login(app, &client_at(3), USER, SEED_PASSWORD, None).await;
        let took = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        (answer, took)
    };
    let ((answer, took), ()) = tokio::join!(victim, flood(app, &stop, &answered));
    (answer, took, answered.load(Ordering::Relaxed))
}

/// The case: default limits, a real cost, a hundred-way flood from one client.
#[tokio::test]
async fn a_right_login_from_another_client_succeeds_within_five_seconds_of_a_flood() {
    let app = TestApp::spawn_with(default_check_limits_at_cost_10).await;
    assert!(app.upsert(USER, SEED_PASSWORD, None).await["errors"].is_null());
    let (answer, took, flooded) = login_during_a_flood(&app).await;
    assert!(answer.body["errors"].is_null(), "{}", answer.body);
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(
        flooded >= 100,
        "the flood was answered throughout: {flooded}"
    );
}

/// Few places, so that the flood fills every waiting place too: without a fair share the other
/// client's login finds the queue full and is refused at once.
#[tokio::test]
async fn a_flood_that_fills_the_waiting_places_cannot_shut_another_client_out() {
    let app = TestApp::spawn_with(|s| {
        s.modules.users.bcrypt_cost = 10;
        s.modules.users.bcrypt_max_concurrency = 1;
        s.modules.users.password_checks_in_flight = 2;
        s.modules.users.password_check_wait_ms = 10_000;
    })
    .await;
    assert!(app.upsert(USER, SEED_PASSWORD, None).await["errors"].is_null());
    let (answer, took, _) = login_during_a_flood(&app).await;
    assert!(answer.body["errors"].is_null(), "{}", answer.body);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

async fn refused_client_app(limit: u32, trusted_proxies: &str) -> TestApp {
    let trusted_proxies = trusted_proxies.to_owned();
    let app = TestApp::spawn_with(move |s| {
        s.modules.users.client_failure_limit = limit;
        s.modules.users.client_refusal_seconds = 120;
        s.server.trusted_proxies = trusted_proxies;
    })
    .await;
    assert!(app.upsert(USER, SEED_PASSWORD, None).await["errors"].is_null());
    app
}

#[tokio::test]
async fn a_client_spraying_passwords_over_accounts_is_refused_past_the_limit() {
    let app = refused_client_app(3, "").await;
    let sprayer = client_at(2);
    // Four accounts, one guess each: the per-account lockout sees nothing.
    for i in 0..4 {
        let answer = login(
            &app,
            &sprayer,
            &format!("user{i}@example.com"),
            "Summer2026!",
            None,
        )
        .await;
        assert_eq!(
            answer.code(),
            Some("INVALID_CREDENTIALS"),
            "guess {i}: {}",
            answer.body
        );
    }
    // The fourth failure passed the limit: even the right password is refused now, before any check.
    let refused = login(&app, &sprayer, USER, SEED_PASSWORD, None).await;
    assert_eq!(refused.code(), Some("RATE_LIMITED"), "{}", refused.body);
    assert!(
        error_message(&refused.body).contains("failed password checks from this client"),
        "{}",
        refused.body
    );
    let seconds: u64 = refused
        .retry_after
        .as_deref()
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!(
        (100..=121).contains(&seconds),
        "the refusal's remaining time: {seconds}"
    );
    let other = login(&app, &client_at(3), USER, SEED_PASSWORD, None).await;
    assert!(
        other.body["errors"].is_null(),
        "another client is not refused: {}",
        other.body
    );
}

#[tokio::test]
async fn successes_do_not_count_and_mistakes_up_to_the_limit_are_never_refused() {
    let app = refused_client_app(3, "").await;
    let person = client_at(4);
    // Three typos, each followed by the right password: six checks, three of them failures.
    for attempt in 0..3 {
        let typo = login(&app, &person, USER, "MyPassword1?", None).await;
        assert_eq!(
            typo.code(),
            Some("INVALID_CREDENTIALS"),
            "{attempt}: {}",
            typo.body
        );
        let right = login(&app, &person, USER, SEED_PASSWORD, None).await;
        assert!(right.body["errors"].is_null(), "{attempt}: {}", right.body);
    }
    let again = login(&app, &person, USER, SEED_PASSWORD, None).await;
    assert!(
        again.body["errors"].is_null(),
        "at the limit, not past it: {}",
        again.body
    );
}

#[tokio::test]
async fn forwarded_for_names_the_client_only_from_a_trusted_proxy() {
    let app = refused_client_app(2, "127.0.0.2").await;
    let proxy = client_at(2);
    for _ in 0..3 {
        let guess = login(&app, &proxy, USER, "Winter2026!", Some("198.51.100.7")).await;
        assert_eq!(guess.code(), Some("INVALID_CREDENTIALS"), "{}", guess.body);
    }
    let refused = login(&app, &proxy, USER, SEED_PASSWORD, Some("198.51.100.7")).await;
    assert_eq!(
        refused.code(),
        Some("RATE_LIMITED"),
        "the forwarded client is refused"
    );
    let neighbour = login(&app, &proxy, USER, SEED_PASSWORD, Some("198.51.100.8")).await;
    assert!(
        neighbour.body["errors"].is_null(),
        "another client behind the same proxy is not: {}",
        neighbour.body
    );

    // From a peer that is not a trusted proxy the header is the client's own word, and ignored.
    let untrusted = client_at(3);
    for i in 0..3 {
        let forged = format!("203.0.113.{i}");
        let guess = login(&app, &untrusted, USER, "Winter2026!", Some(&forged)).await;
        assert_eq!(guess.code(), Some("INVALID_CREDENTIALS"), "{}", guess.body);
    }
    let refused = login(&app, &untrusted, USER, SEED_PASSWORD, Some("203.0.113.99")).await;
    assert_eq!(
        refused.code(),
        Some("RATE_LIMITED"),
        "a fresh X-Forwarded-For did not make a fresh client: {}",
        refused.body
    );
}

#[tokio::test]
async fn a_refused_client_makes_no_check_and_leaves_the_accounts_lockout_alone() {
    let app = refused_client_app(1, "").await;
    let sprayer = client_at(5);
    for _ in 0..2 {
        login(&app, &sprayer, USER, "Autumn2026!", None).await;
    }
    for _ in 0..10 {
        let refused = login(&app, &sprayer, USER, "Autumn2026!", None).await;
        assert_eq!(refused.code(), Some("RATE_LIMITED"), "{}", refused.body);
    }
    let record: Option<i32> = sqlx::query_scalar(
        "SELECT a.failures FROM login_attempts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
    )
    .bind(USER)
    .fetch_optional(&app.pg().pool)
    .await
    .expect("the attempts");
    assert_eq!(
        record,
        Some(2),
        "only the two checks that ran were counted against the account"
    );
}
