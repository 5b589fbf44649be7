//! Authentication through the GraphQL adapter, in process: the guards on the user queries, `me`, the
//! session cookie that `login` and `logout` set, and the count of bcrypt calls a hostile document can
//! cause. Ports are mockall mocks; a mock with no expectation fails the test if it is called.

mod users_mocks;

use adapters::graphql::RequestCredentials;
use adapters::schema::AppSchema;
use adapters::users::graphql::testing::Options;
use application::ports::MockClock;
use application::users::ports::{
    IssuedToken, MockLoginAttempts, MockPasswordHasher, MockPasswordVersions, MockSessionTokens,
    MockUserRepository, SessionToken,
};
use application::{AuthService, MockAuthUseCases, Session};
use async_graphql::{Request, Response};
use chrono::{TimeDelta, TimeZone, Utc};
use domain::{Email, FailedAttempts, PasswordHash, User, UserId};
use serde_json::{Value, json};
use users_mocks::MockUserUseCases;

fn user(id: i64, email: &str) -> User {
    let at = Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid");
    User {
        id: UserId::try_new(id).expect("id"),
        email: Email::parse(email).expect("email"),
        password_hash: PasswordHash::new("$2b$04$not-a-real-hash".to_owned()),
        password_version: 1,
        created_at: at,
        updated_at: at,
    }
}

fn schema_with(users: MockUserUseCases, auth: MockAuthUseCases, secure: bool) -> AppSchema {
    users.schema(
        auth,
        Options {
            secure_cookie: secure,
            ..Options::default()
        },
    )
}

async fn execute(schema: &AppSchema, query: &str, token: Option<&str>) -> Response {
    let request = Request::new(query).data(RequestCredentials::new(token.map(str::to_owned)));
    schema.execute(request).await
}

fn body(response: &Response) -> Value {
    serde_json::to_value(response).expect("serialises")
}

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn set_cookie(response: &Response) -> String {
    let values: Vec<_> = response
        .http_headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    assert_eq!(values.len(), 1, "exactly one Set-Cookie: {values:?}");
    values[0].clone()
}

#[tokio::test]
async fn guarded_queries_without_a_session_are_unauthenticated_and_reach_no_use_case() {
    // Neither mock has expectations: the user use cases must not run, and with no token there is
    // nothing to authenticate.
    let schema = schema_with(MockUserUseCases::new(), MockAuthUseCases::new(), true);
    for query in [
        "{ users { id } }",
        r#"{ user(id: "1") { id } }"#,
        r#"{ userByEmail(email: "a@b.co") { id } }"#,
    ] {
        let response = body(&execute(&schema, query, None).await);
        assert_eq!(codes(&response), ["UNAUTHENTICATED"], "{query}: {response}");
    }
}

#[tokio::test]
async fn an_invalid_token_is_unauthenticated_and_me_is_null() {
    let mut auth = MockAuthUseCases::new();
    let unknown =
        || application::AuthError::Unauthenticated(application::Unauthenticated::UnknownUser);
    // Guards ask who the token's user is; `me` asks for the user.
    auth.expect_identify()
        .times(1)
        .returning(move |_| Err(unknown()));
    auth.expect_authenticate()
        .returning(move |_| Err(unknown()));
    let schema = schema_with(MockUserUseCases::new(), auth, true);
    let guarded = body(&execute(&schema, "{ users { id } }", Some("forged")).await);
    assert_eq!(codes(&guarded), ["UNAUTHENTICATED"]);
    let me = body(
        &execute(
            &schema,
            "{ me { id } getUserFromCookie { id } }",
            Some("forged"),
        )
        .await,
    );
    assert_eq!(
        me,
        json!({ "data": { "me": null, "getUserFromCookie": null } })
    );
    let anonymous = body(&execute(&schema, "{ me { id } }", None).await);
    assert_eq!(anonymous, json!({ "data": { "me": null } }));
}

#[tokio::test]
async fn a_thousand_guarded_aliases_check_the_token_once() {
    let mut auth = MockAuthUseCases::new();
    auth.expect_authenticate()
        .times(1)
        .returning(|_| Ok(user(1, "me@b.co")));
    let schema = schema_with(MockUserUseCases::new(), auth, true);
    let fields: String = (0..1_000).map(|i| format!("m{i}: me {{ id }}\n")).collect();
    let response = body(&execute(&schema, &format!("{{ {fields} }}"), Some("t")).await);
    assert!(response["errors"].is_null(), "{response}");
    assert_eq!(response["data"]["m999"]["id"], "1");
}

fn logging_in(lifetime: TimeDelta) -> MockAuthUseCases {
    let mut auth = MockAuthUseCases::new();
    auth.expect_login()
        .withf(|email, password| email == "a@b.co" && password == "MyPassword1!")
        .times(1)
        .returning(move |_, _| {
            Ok(Session {
                user: user(1, "a@b.co"),
                token: IssuedToken {
                    token: SessionToken::new("header.payload.signature".to_owned()),
                    lifetime,
                },
            })
        });
    auth
}

const LOGIN: &str =
    r#"mutation { login(loginInput: { email: "a@b.co", password: "MyPassword1!" }) { id email } }"#;

#[tokio::test]
async fn login_sets_an_http_only_lax_secure_cookie_that_lives_as_long_as_the_token() {
    let schema = schema_with(
        MockUserUseCases::new(),
        logging_in(TimeDelta::hours(1)),
        true,
    );
    let response = execute(&schema, LOGIN, None).await;
    assert_eq!(
        body(&response),
        json!({ "data": { "login": { "id": "1", "email": "a@b.co" } } })
    );
    assert_eq!(
        set_cookie(&response),
        "Authentication=header.payload.signature; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure"
    );
}

#[tokio::test]
async fn the_secure_flag_goes_only_when_turned_off() {
    let schema = schema_with(
        MockUserUseCases::new(),
        logging_in(TimeDelta::minutes(5)),
        false,
    );
    let cookie = set_cookie(&execute(&schema, LOGIN, None).await);
    assert!(cookie.contains("Max-Age=300;"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn logout_clears_the_cookie() {
    let schema = schema_with(MockUserUseCases::new(), MockAuthUseCases::new(), true);
    let response = execute(&schema, "mutation { logout }", Some("t")).await;
    assert_eq!(body(&response), json!({ "data": { "logout": true } }));
    assert_eq!(
        set_cookie(&response),
        "Authentication=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure"
    );
}

#[tokio::test]
async fn a_failed_login_sets_no_cookie_and_says_invalid_credentials() {
    let mut auth = MockAuthUseCases::new();
    auth.expect_login()
        .returning(|_, _| Err(application::LoginError::InvalidCredentials));
    let schema = schema_with(MockUserUseCases::new(), auth, true);
    let response = execute(&schema, LOGIN, None).await;
    assert_eq!(codes(&body(&response)), ["INVALID_CREDENTIALS"]);
    assert!(response.http_headers.get("set-cookie").is_none());
}

/// The real login use case behind the schema, with a hasher mock that counts its calls.
fn real_auth(
    hasher: MockPasswordHasher,
    repo: MockUserRepository,
    attempts: MockLoginAttempts,
) -> AuthService<
    MockUserRepository,
    MockLoginAttempts,
    MockPasswordHasher,
    MockClock,
    MockSessionTokens,
    MockPasswordVersions,
> {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(Utc::now());
    let mut tokens = MockSessionTokens::new();
    tokens.expect_issue().returning(|_, _, _| {
        Ok(IssuedToken {
            token: SessionToken::new("t".to_owned()),
            lifetime: TimeDelta::hours(1),
        })
    });
    // Logins never read the versions: a mock without expectations says so.
    AuthService::new(
        repo,
        attempts,
        hasher,
        clock,
        tokens,
        MockPasswordVersions::new(),
    )
}

#[tokio::test]
async fn a_thousand_aliased_logins_are_refused_without_any_bcrypt_work() {
    // No expectations at all: one hasher or repository call fails the test.
    let auth = real_auth(
        MockPasswordHasher::new(),
        MockUserRepository::new(),
        MockLoginAttempts::new(),
    );
    let schema = MockUserUseCases::new().schema(auth, Options::default());
    let fields: String = (0..1_000)
        .map(|i| {
            format!(
                r#"l{i}: login(loginInput: {{ email: "a@b.co", password: "Guess-{i}x" }}) {{ id }}
"#
            )
        })
        .collect();
    let response = body(&execute(&schema, &format!("mutation {{\n{fields}}}"), None).await);
    assert_eq!(
        codes(&response),
        ["GRAPHQL_VALIDATION_FAILED"],
        "{response}"
    );
    assert!(response["data"].is_null(), "{response}");
}

#[tokio::test]
async fn one_login_costs_exactly_one_bcrypt_verify() {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(1).returning(|_, _| Ok(true));
    // Stored at the current cost: no rehash, so the verify is the only bcrypt work.
    hasher.expect_needs_rehash().return_const(false);
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_email()
        .returning(|_| Ok(Some(user(1, "a@b.co"))));
    let mut attempts = MockLoginAttempts::new();
    attempts
        .expect_admit_password_check()
        .times(1)
        .returning(|_, policy, _| Ok(FailedAttempts::default().admit(chrono::Utc::now(), policy)));
    attempts
        .expect_resolve_password_check()
        .times(1)
        .returning(|_, _, _| Ok(()));
    let schema =
        MockUserUseCases::new().schema(real_auth(hasher, repo, attempts), Options::default());
    let response = body(&execute(&schema, LOGIN, None).await);
    assert!(response["errors"].is_null(), "{response}");
}
