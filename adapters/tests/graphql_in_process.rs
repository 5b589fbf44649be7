//! The GraphQL adapter driven in process: a real schema over mocked use cases, no HTTP and no
//! database. These tests pin what a client sees — error codes, opaque messages, field shapes — and the
//! guards that keep one request's cost bounded.
//!
//! A mock with no expectation for a method fails the test if that method is called, which is how the
//! guard tests prove that a refused document never reached the use cases.

use std::sync::mpsc;
use std::time::Duration;

mod users_mocks;

use adapters::graphql::RequestCredentials;
use adapters::schema::AppSchema;
use adapters::users::graphql::testing::Options;
use anyhow::anyhow;
use application::{MockAuthUseCases, QueryError, UpsertUserError, UpsertUserInput};
use async_graphql::Request;
use chrono::{TimeZone, Utc};
use domain::{Email, PasswordHash, User, UserId, ValidationErrors, Violation};
use serde_json::{Value, json};
use users_mocks::MockUserUseCases;

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/// The token every request here carries; the auth mock accepts it, so the user queries' guards pass and
/// these tests see the user use cases. `graphql_auth_in_process.rs` tests the guards themselves.
const SESSION: &str = "valid-session-token";

fn schema(mock: MockUserUseCases, introspection: bool) -> AppSchema {
    let mut auth = MockAuthUseCases::new();
    // Guards identify the caller; `me` reads the user.
    auth.expect_identify()
        .withf(|token| token == SESSION)
        .returning(|_| Ok(domain::UserId::try_new(99).expect("id")));
    auth.expect_authenticate()
        .withf(|token| token == SESSION)
        .returning(|_| Ok(user(99, "caller@b.co")));
    mock.schema(
        auth,
        Options {
            introspection,
            ..Options::default()
        },
    )
}

/// Executes `request` as a logged-in caller and returns the response exactly as it would be serialised
/// to a client.
async fn run(schema: &AppSchema, request: impl Into<Request>) -> Value {
    let request = request
        .into()
        .data(RequestCredentials::new(Some(SESSION.to_owned())));
    let response = schema.execute(request).await;
    serde_json::to_value(&response).expect("a GraphQL response serialises to JSON")
}

async fn run_query(mock: MockUserUseCases, query: &str) -> Value {
    run(&schema(mock, false), query).await
}

fn errors(response: &Value) -> &[Value] {
    response
        .get("errors")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The response's one error; fails the test on none or several.
fn sole_error(response: &Value) -> &Value {
    let errors = errors(response);
    assert_eq!(
        errors.len(),
        1,
        "expected exactly one error in {response:#}"
    );
    &errors[0]
}

fn code(error: &Value) -> &str {
    error
        .pointer("/extensions/code")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("error without extensions.code: {error:#}"))
}

fn message(error: &Value) -> &str {
    error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("error without a message: {error:#}"))
}

/// Asserts the response carries errors, all with `expected` as their code, and no data at all.
fn assert_refused(response: &Value, expected: &str) {
    let errors = errors(response);
    assert!(!errors.is_empty(), "expected an error in {response:#}");
    for error in errors {
        assert_eq!(code(error), expected, "{response:#}");
    }
    assert!(
        response.get("data").is_none_or(Value::is_null),
        "a refused document must not produce data: {response:#}"
    );
}

fn user(id: i64, email: &str) -> User {
    User {
        id: UserId::try_new(id).expect("a positive id"),
        email: Email::parse(email).expect("a valid email"),
        password_hash: PasswordHash::new("x".into()),
        // 2023-11-14T22:13:20.000Z and, with a sub-second part, 2023-11-14T22:13:21.234Z.
        password_version: 1,
        created_at: Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .expect("a valid instant"),
        updated_at: Utc
            .timestamp_millis_opt(1_700_000_001_234)
            .single()
            .expect("a valid instant"),
    }
}

/// Two fields, the second with two rules, so the test sees every field and every rule reported.
fn two_field_validation_errors() -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    errors.add(
        "email",
        vec![Violation {
            rule: "isEmail",
            message: "must be an email address".to_owned(),
        }],
    );
    errors.add(
        "password",
        vec![
            Violation {
                rule: "minLength",
                message: "must be at least 8 characters long".to_owned(),
            },
            Violation {
                rule: "minNumbers",
                message: "must contain at least one digit (0-9)".to_owned(),
            },
        ],
    );
    errors
}

const UPSERT: &str = r#"mutation {
    upsertUser(upsertUserInput: { email: "a@b.co", password: "Secret-123" }) { id }
}"#;

async fn upsert_failing_with(error: impl Fn() -> UpsertUserError + Send + 'static) -> Value {
    let mut mock = MockUserUseCases::new();
    mock.upserts
        .expect_upsert_user()
        .times(1)
        .returning(move |_| Err(error()));
    run_query(mock, UPSERT).await
}

/// The three query fields, each selecting enough to be a valid document.
const QUERIES: &[(&str, &str)] = &[
    ("user", r#"{ user(id: "1") { id } }"#),
    ("userByEmail", r#"{ userByEmail(email: "a@b.co") { id } }"#),
    ("users", "{ users { id } }"),
];

/// Runs every query field against a mock whose three query methods all fail with `error()`, and hands each
/// response to `check` with the field's name.
async fn each_query_failing_with(
    error: impl Fn() -> QueryError + Clone + Send + Sync + 'static,
    check: impl Fn(&str, &Value),
) {
    for (field, query) in QUERIES {
        let mut mock = MockUserUseCases::new();
        let e = error.clone();
        mock.queries.expect_user().returning(move |_| Err(e()));
        let e = error.clone();
        mock.queries
            .expect_user_by_email()
            .returning(move |_| Err(e()));
        let e = error.clone();
        mock.queries.expect_users().returning(move |_, _| Err(e()));
        let response = run_query(mock, query).await;
        check(field, &response);
    }
}

fn assert_bad_user_input(response: &Value) {
    let error = sole_error(response);
    assert_eq!(code(error), "BAD_USER_INPUT", "{response:#}");
    let text = message(error);
    for expected in [
        "email",
        "must be an email address",
        "password",
        "must be at least 8 characters long",
        "must contain at least one digit (0-9)",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert_eq!(
        error.pointer("/extensions/fields"),
        Some(&json!([
            {
                "field": "email",
                "violations": [{ "rule": "isEmail", "message": "must be an email address" }]
            },
            {
                "field": "password",
                "violations": [
                    { "rule": "minLength", "message": "must be at least 8 characters long" },
                    { "rule": "minNumbers", "message": "must contain at least one digit (0-9)" }
                ]
            }
        ])),
        "{response:#}"
    );
}

/// A dependency's error text can hold hosts and credentials; none of it may reach the client.
fn assert_leaks_nothing(response: &Value, secrets: &[&str]) {
    let text = response.to_string();
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} leaked: {text}");
    }
}

const UNAVAILABLE_DETAIL: &str = "connection refused to 10.0.0.1 password=hunter2";
const UNEXPECTED_DETAIL: &str = "sqlx: relation users does not exist";

// ---------------------------------------------------------------------------------------------------------
// 1. Application errors become coded GraphQL errors
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn upsert_invalid_input_is_bad_user_input_naming_every_field_and_rule() {
    let response =
        upsert_failing_with(|| UpsertUserError::InvalidInput(two_field_validation_errors())).await;
    assert_bad_user_input(&response);
}

#[tokio::test]
async fn upsert_wrong_current_password_is_invalid_current_password() {
    let response = upsert_failing_with(|| UpsertUserError::InvalidCurrentPassword).await;
    assert_eq!(code(sole_error(&response)), "INVALID_CURRENT_PASSWORD");
}

#[tokio::test]
async fn upsert_conflict_is_conflict() {
    let response = upsert_failing_with(|| UpsertUserError::Conflict).await;
    assert_eq!(code(sole_error(&response)), "CONFLICT");
}

#[tokio::test]
async fn upsert_unavailable_is_unavailable_and_hides_the_cause() {
    let response =
        upsert_failing_with(|| UpsertUserError::Unavailable(anyhow!(UNAVAILABLE_DETAIL))).await;
    assert_eq!(code(sole_error(&response)), "UNAVAILABLE");
    assert_leaks_nothing(&response, &["hunter2", "connection refused", "10.0.0.1"]);
}

#[tokio::test]
async fn upsert_unexpected_is_an_opaque_internal_server_error() {
    let response =
        upsert_failing_with(|| UpsertUserError::Unexpected(anyhow!(UNEXPECTED_DETAIL))).await;
    let error = sole_error(&response);
    assert_eq!(code(error), "INTERNAL_SERVER_ERROR");
    assert!(!message(error).contains("sqlx"), "{response:#}");
    assert!(!message(error).contains("relation"), "{response:#}");
    assert_leaks_nothing(&response, &["sqlx", "relation", "does not exist"]);
}

#[tokio::test]
async fn query_invalid_input_is_bad_user_input_naming_every_field_and_rule() {
    each_query_failing_with(
        || QueryError::InvalidInput(two_field_validation_errors()),
        |_, response| assert_bad_user_input(response),
    )
    .await;
}

#[tokio::test]
async fn query_unavailable_is_unavailable_and_hides_the_cause() {
    each_query_failing_with(
        || QueryError::Unavailable(anyhow!(UNAVAILABLE_DETAIL)),
        |field, response| {
            assert_eq!(code(sole_error(response)), "UNAVAILABLE", "{field}");
            assert_leaks_nothing(response, &["hunter2", "connection refused", "10.0.0.1"]);
        },
    )
    .await;
}

#[tokio::test]
async fn query_unexpected_is_an_opaque_internal_server_error() {
    each_query_failing_with(
        || QueryError::Unexpected(anyhow!(UNEXPECTED_DETAIL)),
        |field, response| {
            let error = sole_error(response);
            assert_eq!(code(error), "INTERNAL_SERVER_ERROR", "{field}");
            assert!(!message(error).contains("sqlx"), "{field}: {response:#}");
            assert!(
                !message(error).contains("relation"),
                "{field}: {response:#}"
            );
            assert_leaks_nothing(response, &["sqlx", "relation", "does not exist"]);
        },
    )
    .await;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Happy-path shapes and what the resolvers pass to the use cases
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn user_has_a_string_id_and_iso_utc_millisecond_timestamps() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_user()
        .withf(|id| id == "1")
        .times(1)
        .returning(|_| Ok(Some(user(1, "a@b.co"))));
    let response = run_query(mock, "{ user(id: 1) { id email createdAt updatedAt } }").await;
    assert_eq!(
        response,
        json!({
            "data": {
                "user": {
                    "id": "1",
                    "email": "a@b.co",
                    "createdAt": "2023-11-14T22:13:20.000Z",
                    "updatedAt": "2023-11-14T22:13:21.234Z"
                }
            }
        })
    );
}

#[tokio::test]
async fn user_by_email_passes_the_raw_email_and_returns_the_user() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_user_by_email()
        .withf(|email| email == " A@B.co ")
        .times(1)
        .returning(|_| Ok(Some(user(3, "a@b.co"))));
    let response = run_query(mock, r#"{ userByEmail(email: " A@B.co ") { id email } }"#).await;
    assert_eq!(
        response,
        json!({ "data": { "userByEmail": { "id": "3", "email": "a@b.co" } } })
    );
}

#[tokio::test]
async fn an_unknown_user_is_null_without_errors() {
    let mut mock = MockUserUseCases::new();
    mock.queries.expect_user().times(1).returning(|_| Ok(None));
    let response = run_query(mock, r#"{ user(id: "42") { id } }"#).await;
    assert_eq!(response, json!({ "data": { "user": null } }));
}

#[tokio::test]
async fn users_without_arguments_asks_for_the_default_page() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_users()
        .withf(|first, after| *first == 100 && after.is_none())
        .times(1)
        .returning(|_, _| Ok(vec![user(1, "a@b.co"), user(2, "c@d.co")]));
    let response = run_query(mock, "{ users { id email } }").await;
    assert_eq!(
        response,
        json!({ "data": { "users": [
            { "id": "1", "email": "a@b.co" },
            { "id": "2", "email": "c@d.co" }
        ] } })
    );
}

#[tokio::test]
async fn users_with_an_explicit_null_first_asks_for_the_default_page() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_users()
        .withf(|first, after| *first == 100 && after.is_none())
        .times(1)
        .returning(|_, _| Ok(vec![]));
    let response = run_query(mock, "{ users(first: null) { id } }").await;
    assert_eq!(response, json!({ "data": { "users": [] } }));
}

#[tokio::test]
async fn users_passes_first_and_after_through() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_users()
        .withf(|first, after| *first == 5 && after.as_deref() == Some("7"))
        .times(1)
        .returning(|_, _| Ok(vec![user(8, "a@b.co")]));
    let response = run_query(mock, r#"{ users(first: 5, after: "7") { id } }"#).await;
    assert_eq!(response, json!({ "data": { "users": [{ "id": "8" }] } }));
}

#[tokio::test]
async fn upsert_user_passes_the_raw_input_and_returns_the_user() {
    let mut mock = MockUserUseCases::new();
    mock.upserts
        .expect_upsert_user()
        .withf(|input| {
            *input
                == UpsertUserInput {
                    email: "A@b.co".to_owned(),
                    password: "Old-pass-1".to_owned(),
                    new_password: Some("New-pass-2".to_owned()),
                }
        })
        .times(1)
        .returning(|_| Ok(user(1, "a@b.co")));
    let response = run_query(
        mock,
        r#"mutation { upsertUser(upsertUserInput: {
            email: "A@b.co", password: "Old-pass-1", newPassword: "New-pass-2"
        }) { id email updatedAt } }"#,
    )
    .await;
    assert_eq!(
        response,
        json!({ "data": { "upsertUser": {
            "id": "1", "email": "a@b.co", "updatedAt": "2023-11-14T22:13:21.234Z"
        } } })
    );
}

// ---------------------------------------------------------------------------------------------------------
// 3. At most one password-checking field per operation
// ---------------------------------------------------------------------------------------------------------

/// One `upsertUser` selection with the given response key.
fn upsert_field(alias: &str) -> String {
    format!(
        r#"{alias}: upsertUser(upsertUserInput: {{ email: "a@b.co", password: "Secret-123" }}) {{ id }}"#
    )
}

/// Runs `document` against a mock with no expectations at all: any use-case call fails the test.
async fn assert_guard_refuses(document: &str) {
    let response = run_query(MockUserUseCases::new(), document).await;
    assert_refused(&response, "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn two_aliased_upserts_are_refused() {
    assert_guard_refuses(&format!(
        "mutation {{ {} {} }}",
        upsert_field("a"),
        upsert_field("b")
    ))
    .await;
}

#[tokio::test]
async fn a_thousand_aliased_upserts_are_refused() {
    let fields: String = (0..1_000)
        .map(|i| upsert_field(&format!("a{i}")) + "\n")
        .collect();
    assert_guard_refuses(&format!("mutation {{\n{fields}}}")).await;
}

#[tokio::test]
async fn upserts_hidden_in_a_named_fragment_are_counted() {
    assert_guard_refuses(&format!(
        "mutation {{ ...Two }} fragment Two on Mutation {{ {} {} }}",
        upsert_field("a"),
        upsert_field("b")
    ))
    .await;
}

#[tokio::test]
async fn upserts_split_between_a_field_and_an_inline_fragment_are_counted() {
    assert_guard_refuses(&format!(
        "mutation {{ {} ... on Mutation {{ {} }} }}",
        upsert_field("a"),
        upsert_field("b")
    ))
    .await;
}

#[tokio::test]
async fn upserts_in_a_fragment_spread_twice_plus_a_direct_field_are_refused() {
    assert_guard_refuses(&format!(
        "mutation {{ ...One ...One {} }} fragment One on Mutation {{ {} }}",
        upsert_field("direct"),
        upsert_field("viaFragment")
    ))
    .await;
}

/// async-graphql does not merge fields that share a response key: every spread of a fragment runs its
/// fields again. So spreading a one-upsert fragment twice runs bcrypt twice and must be refused too.
#[tokio::test]
async fn the_same_fragment_spread_twice_is_refused() {
    assert_guard_refuses(&format!(
        "mutation {{ ...One ...One }} fragment One on Mutation {{ {} }}",
        upsert_field("a")
    ))
    .await;
}

/// The same, one level removed: an inline fragment and the operation both spread the fragment.
#[tokio::test]
async fn the_same_fragment_spread_directly_and_inside_an_inline_fragment_is_refused() {
    assert_guard_refuses(&format!(
        "mutation {{ ...One ... on Mutation {{ ...One }} }} fragment One on Mutation {{ {} }}",
        upsert_field("a")
    ))
    .await;
}

#[tokio::test]
async fn one_upsert_per_operation_in_a_multi_operation_document_is_allowed() {
    let mut mock = MockUserUseCases::new();
    mock.upserts
        .expect_upsert_user()
        .withf(|input| input.email == "second@b.co")
        .times(1)
        .returning(|_| Ok(user(2, "second@b.co")));
    let document = r#"
        mutation First {
            upsertUser(upsertUserInput: { email: "first@b.co", password: "Secret-123" }) { id }
        }
        mutation Second {
            upsertUser(upsertUserInput: { email: "second@b.co", password: "Secret-123" }) { id }
        }
    "#;
    let response = run(
        &schema(mock, false),
        Request::new(document).operation_name("Second"),
    )
    .await;
    assert_eq!(response, json!({ "data": { "upsertUser": { "id": "2" } } }));
}

/// Fragment cycles are invalid; the guard walks fragments before validation runs, so it must neither loop
/// nor recurse without bound. Run on a separate thread so a hang fails the test instead of stalling it.
#[test]
fn fragment_cycles_are_refused_without_hanging() {
    let documents = [
        // A fragment spreading itself.
        "mutation { ...A } fragment A on Mutation { ...A }".to_owned(),
        // Two fragments spreading each other, one holding an upsert.
        format!(
            "mutation {{ ...A }} fragment A on Mutation {{ ...B }} fragment B on Mutation {{ {} ...A }}",
            upsert_field("a")
        ),
        // A cycle below a field rather than at the root.
        r#"{ user(id: "1") { ...U } } fragment U on User { id ...U }"#.to_owned(),
    ];
    for document in documents {
        let (sender, receiver) = mpsc::channel();
        let query = document.clone();
        std::thread::spawn(move || {
            let response = futures::executor::block_on(run_query(MockUserUseCases::new(), &query));
            // The receiver may have given up already; nothing to do then.
            let _ = sender.send(response);
        });
        let response = receiver
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no answer within 20 s for {document}"));
        assert!(
            !errors(&response).is_empty(),
            "{document}: expected errors in {response:#}"
        );
        assert!(
            response.get("data").is_none_or(Value::is_null),
            "{document}: {response:#}"
        );
    }
}

/// Fragments that each spread the next one twice describe 2^30 upserts in a few hundred bytes. Counting
/// them by walking every spread would never finish; the guard must answer at once, and refuse.
#[test]
fn a_fragment_fan_out_is_counted_without_walking_every_spread() {
    // async-graphql's parser refuses documents nested deeper than 32.
    let depth = 30;
    let mut document = String::from("mutation { ...F0 }\n");
    for level in 0..depth {
        document.push_str(&format!(
            "fragment F{level} on Mutation {{ ...F{next} ...F{next} }}\n",
            next = level + 1
        ));
    }
    document.push_str(&format!(
        "fragment F{depth} on Mutation {{ {} }}\n",
        upsert_field("a")
    ));
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let response = futures::executor::block_on(run_query(MockUserUseCases::new(), &document));
        let _ = sender.send(response);
    });
    let response = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("the guard answers within 20 s");
    assert_refused(&response, "GRAPHQL_VALIDATION_FAILED");
}

// ---------------------------------------------------------------------------------------------------------
// 4. Parse and validation failures are coded as Apollo Server codes them
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_parse_error_is_graphql_parse_failed() {
    let response = run_query(MockUserUseCases::new(), "{ user(id: 1) { id ").await;
    assert_refused(&response, "GRAPHQL_PARSE_FAILED");
}

#[tokio::test]
async fn an_unknown_field_is_graphql_validation_failed() {
    let response = run_query(MockUserUseCases::new(), "{ user(id: 1) { password } }").await;
    assert_refused(&response, "GRAPHQL_VALIDATION_FAILED");
    assert!(
        errors(&response)
            .iter()
            .any(|e| message(e).contains("password")),
        "{response:#}"
    );
}

/// Choosing the operation happens after async-graphql's hooks, so without a guard of ours these two
/// answered without any code.
#[tokio::test]
async fn several_operations_without_an_operation_name_are_operation_resolution_failure() {
    let schema = schema(MockUserUseCases::new(), false);
    let response = run(&schema, "query A { __typename } query B { __typename }").await;
    assert_refused(&response, "OPERATION_RESOLUTION_FAILURE");
    assert!(
        message(sole_error(&response)).contains("operationName"),
        "{response:#}"
    );
}

#[tokio::test]
async fn an_operation_name_the_document_lacks_is_operation_resolution_failure() {
    let schema = schema(MockUserUseCases::new(), false);
    for document in [
        "{ __typename }",
        "query A { __typename } query B { __typename }",
    ] {
        let response = run(&schema, Request::new(document).operation_name("X")).await;
        assert_refused(&response, "OPERATION_RESOLUTION_FAILURE");
        assert!(
            message(sole_error(&response)).contains("\"X\""),
            "{response:#}"
        );
    }
}

#[tokio::test]
async fn an_operation_named_in_the_document_or_a_lone_named_one_still_runs() {
    let schema = schema(MockUserUseCases::new(), false);
    let two = "query A { a: __typename } query B { b: __typename }";
    let response = run(&schema, Request::new(two).operation_name("B")).await;
    assert_eq!(
        response["data"],
        serde_json::json!({ "b": "Query" }),
        "{response:#}"
    );
    let response = run(&schema, "query Only { __typename }").await;
    assert_eq!(
        response["data"],
        serde_json::json!({ "__typename": "Query" }),
        "{response:#}"
    );
}

#[tokio::test]
async fn the_password_hash_cannot_be_queried() {
    for field in ["passwordHash", "password_hash", "hash"] {
        let response = run_query(
            MockUserUseCases::new(),
            &format!("{{ user(id: 1) {{ {field} }} }}"),
        )
        .await;
        assert_refused(&response, "GRAPHQL_VALIDATION_FAILED");
    }
}

// ---------------------------------------------------------------------------------------------------------
// 5. Introspection is a setting
// ---------------------------------------------------------------------------------------------------------

const SCHEMA_TYPES: &str = "{ __schema { types { name } } }";

#[tokio::test]
async fn introspection_off_reveals_no_schema() {
    let response = run(&schema(MockUserUseCases::new(), false), SCHEMA_TYPES).await;
    assert!(
        response
            .pointer("/data/__schema")
            .is_none_or(Value::is_null),
        "{response:#}"
    );
    assert!(
        !response.to_string().contains("\"User\""),
        "the User type leaked: {response:#}"
    );
}

#[tokio::test]
async fn introspection_on_lists_the_types() {
    let response = run(&schema(MockUserUseCases::new(), true), SCHEMA_TYPES).await;
    assert!(errors(&response).is_empty(), "{response:#}");
    let names: Vec<&str> = response
        .pointer("/data/__schema/types")
        .and_then(Value::as_array)
        .expect("a list of types")
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .collect();
    for expected in ["User", "Query", "Mutation", "DateTime", "UpsertUserInput"] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
}

/// The query GraphiQL and most client tooling send; the depth limit was chosen to let it through.
#[tokio::test]
async fn the_standard_introspection_query_fits_the_limits() {
    let query = r"
        query IntrospectionQuery {
          __schema {
            queryType { name } mutationType { name } subscriptionType { name }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) {
            name description args { ...InputValue } type { ...TypeRef }
            isDeprecated deprecationReason
          }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { kind name ofType { kind name ofType { kind name ofType { kind name
            ofType { kind name ofType { kind name ofType { kind name } } } } } } }
        }
    ";
    let response = run(&schema(MockUserUseCases::new(), true), query).await;
    assert!(errors(&response).is_empty(), "{response:#}");
    assert_eq!(
        response.pointer("/data/__schema/queryType/name"),
        Some(&json!("Query"))
    );
}

// ---------------------------------------------------------------------------------------------------------
// 6. Depth and complexity limits
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_largest_page_with_every_field_is_allowed() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_users()
        .withf(|first, after| *first == 1000 && after.is_none())
        .times(1)
        .returning(|_, _| Ok(vec![]));
    let response = run_query(
        mock,
        "{ users(first: 1000) { id email createdAt updatedAt } }",
    )
    .await;
    assert_eq!(response, json!({ "data": { "users": [] } }));
}

#[tokio::test]
async fn three_thousand_aliased_user_lookups_exceed_the_complexity_limit() {
    let fields: String = (0..3_000)
        .map(|i| format!("u{i}: user(id: 1) {{ id email createdAt updatedAt }}\n"))
        .collect();
    // No expectations: a single lookup would fail the test.
    let response = run_query(MockUserUseCases::new(), &format!("{{\n{fields}}}")).await;
    let errors = errors(&response);
    assert!(!errors.is_empty(), "expected a complexity error");
    assert!(
        errors
            .iter()
            .any(|e| message(e).to_lowercase().contains("complex")),
        "{errors:#?}"
    );
    assert!(response.get("data").is_none_or(Value::is_null));
}

#[tokio::test]
async fn a_page_too_large_to_afford_is_refused_before_the_use_case_runs() {
    // 100,000 × 4 fields is far over the complexity limit; the mock has no expectations.
    let response = run_query(
        MockUserUseCases::new(),
        "{ users(first: 100000) { id email createdAt updatedAt } }",
    )
    .await;
    assert!(!errors(&response).is_empty(), "{response:#}");
}

/// The spec's null propagation: `users` is `[User!]!`, so its error nulls the whole `data`, however many
/// other root fields resolved. async-graphql 7.1 and later leave the failed field out instead, which is
/// why Cargo.toml holds it on 7.0.
#[tokio::test]
async fn an_error_in_a_non_null_root_field_nulls_the_whole_data() {
    let mut mock = MockUserUseCases::new();
    mock.queries
        .expect_users()
        .returning(|_, _| Err(QueryError::Unavailable(anyhow!("down"))));
    let response = run_query(mock, "{ __typename users(first: 1) { id } }").await;
    assert_eq!(response["data"], Value::Null, "{response:#}");
    assert_eq!(
        sole_error(&response)["path"],
        json!(["users"]),
        "{response:#}"
    );
}
