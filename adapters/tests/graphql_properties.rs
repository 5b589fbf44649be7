//! Property tests: generated documents and variables thrown at the real schema, executed in process.
//!
//! The use cases are the real ones; only the ports are mocks, and they answer like an empty store that
//! accepts sign-ups. Whatever the document (garbage text, deep nesting, aliases, fragments, directives,
//! hostile strings and variables of any JSON type), execution must not panic, every error must carry one
//! of the codes the README documents (`INTERNAL_SERVER_ERROR` is not among those allowed here: with
//! ports that never fail, it would be a defect), and no answer may leak internal text or a hash.

use adapters::graphql::RequestCredentials;
use adapters::schema::AppSchema;
use adapters::users::graphql::testing::{Options, schema as users_schema};
use application::ports::MockClock;
use application::users::ports::{
    MockLoginAttempts, MockPasswordHasher, MockPasswordVersions, MockSessionTokens,
    MockUserRepository, TokenClaims, TokenRejected,
};
use application::{AuthService, UpsertUserService, UserQueryService};
use async_graphql::{Request, Variables};
use chrono::{TimeZone, Utc};
use domain::{Email, PasswordHash, User, UserId};
use proptest::prelude::*;
use serde_json::{Value, json};

const SESSION: &str = "valid-session-token";

/// The codes a client may see for a bad document or bad input (README, "Errors").
const DOCUMENTED: &[&str] = &[
    "BAD_USER_INPUT",
    "INVALID_CURRENT_PASSWORD",
    "INVALID_CREDENTIALS",
    "UNAUTHENTICATED",
    "CONFLICT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "OPERATION_RESOLUTION_FAILURE",
];

/// Text that must never reach a client: storage, hashing and Rust internals.
const LEAKS: &[&str] = &[
    "$2b$", "$2a$", "sqlx", "sqlite", "postgres", "panicked", "thread '", "src/", "anyhow",
];

fn user(id: i64) -> User {
    let at = Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid");
    User {
        id: UserId::try_new(id).expect("id"),
        email: Email::parse("someone@example.com").expect("email"),
        password_hash: PasswordHash::new(
            "$2b$04$abcdefghijklmnopqrstuuZ0b3bYVbO8ZcQ2cGo0g9d3aBcDeFgHi".into(),
        ),
        password_version: 1,
        created_at: at,
        updated_at: at,
    }
}

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock
        .expect_now()
        .return_const(Utc.timestamp_opt(1_700_000_100, 0).single().expect("valid"));
    clock
}

fn hasher() -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::new("$2b$04$fresh".into())));
    hasher.expect_verify().returning(|_, _| Ok(false));
    hasher.expect_verify_against_dummy().returning(|_| Ok(()));
    hasher.expect_wait_as_long_as_verify().return_const(());
    hasher
}

/// Checks are admitted and cleared as a store applying the domain's rule would.
fn attempts() -> MockLoginAttempts {
    let mut attempts = MockLoginAttempts::new();
    attempts
        .expect_admit_password_check()
        .returning(|_, policy, _| {
            Ok(domain::FailedAttempts::default().admit(chrono::Utc::now(), policy))
        });
    attempts
        .expect_resolve_password_check()
        .returning(|_, _, _| Ok(()));
    attempts
}

/// An empty store that accepts sign-ups, except that id 1 exists (so guarded reads have a caller).
fn repository() -> MockUserRepository {
    let mut repo = MockUserRepository::new();
    repo.expect_find_by_id()
        .returning(|id| Ok((id.get() == 1).then(|| user(1))));
    repo.expect_find_by_email().returning(|_| Ok(None));
    repo.expect_list().returning(|_, _| Ok(vec![user(1)]));
    repo.expect_create().returning(|_| Ok(user(2)));
    repo
}

/// Id 1's password version is the one its session carries.
fn versions() -> MockPasswordVersions {
    let mut versions = MockPasswordVersions::new();
    versions
        .expect_current()
        .returning(|id| Ok((id.get() == 1).then_some(1)));
    versions
}

fn schema() -> AppSchema {
    let mut tokens = MockSessionTokens::new();
    tokens.expect_verify().returning(|token, _| {
        if token == SESSION {
            Ok(TokenClaims {
                user_id: UserId::try_new(1).expect("id"),
                issued_at: Utc.timestamp_opt(1_700_000_050, 0).single().expect("valid"),
                password_version: 1,
            })
        } else {
            Err(TokenRejected::Invalid)
        }
    });
    users_schema(
        UserQueryService::new(repository()),
        UpsertUserService::new(repository(), attempts(), hasher(), clock()),
        AuthService::new(
            repository(),
            attempts(),
            hasher(),
            clock(),
            tokens,
            versions(),
        ),
        Options::default(),
    )
}

fn execute(schema: &AppSchema, query: String, variables: Value, signed_in: bool) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let token = signed_in.then(|| SESSION.to_owned());
    let request = Request::new(query)
        .variables(Variables::from_json(variables))
        .data(RequestCredentials::new(token));
    let response = runtime.block_on(schema.execute(request));
    serde_json::to_value(&response).expect("a response serialises")
}

fn check_response(response: &Value) -> Result<(), TestCaseError> {
    let text = response.to_string();
    for leak in LEAKS {
        prop_assert!(!text.contains(leak), "{leak:?} leaked: {text}");
    }
    for error in response["errors"].as_array().into_iter().flatten() {
        let code = error["extensions"]["code"].as_str().unwrap_or("(none)");
        prop_assert!(
            DOCUMENTED.contains(&code),
            "undocumented code {code}: {error}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------

/// Strings a hostile client sends: NUL, bidi and zero-width characters, huge and odd Unicode, quotes
/// and escapes, emails and passwords near their limits.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[a-zA-Z0-9.@!_-]{0,80}",
        Just("a@b.co".to_owned()),
        Just("MyPassword1!".to_owned()),
        Just("x\u{0}y@example.com".to_owned()),
        Just("\u{202e}moc.elpmaxe@evil".to_owned()),
        Just("zero\u{200b}width@example.com".to_owned()),
        Just("\"quoted\\\"\"@example.com".to_owned()),
        Just(format!("{}@example.com", "a".repeat(10_000))),
        Just("P".repeat(73) + "a1!"),
        Just("\u{fffd}\u{10ffff}".to_owned()),
    ]
}

fn graphql_string_literal(s: &str) -> String {
    serde_json::to_string(s).expect("a JSON string is a GraphQL string")
}

/// A GraphQL value literal, variables included.
fn value_literal() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        hostile_string().prop_map(|s| graphql_string_literal(&s)),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        Just("99999999999999999999999".to_owned()),
        Just("1.5e308".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("ENUM_VALUE".to_owned()),
        Just("$v".to_owned()),
        Just("$undeclared".to_owned()),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("email"),
                        Just("password"),
                        Just("newPassword"),
                        Just("x")
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|kv| {
                let fields: Vec<_> = kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", fields.join(", "))
            }),
        ]
    })
}

const FIELDS: &[&str] = &[
    "users",
    "user",
    "userByEmail",
    "me",
    "getUserFromCookie",
    "upsertUser",
    "login",
    "logout",
    "id",
    "email",
    "createdAt",
    "updatedAt",
    "password",
    "__typename",
    "__schema",
    "nope",
];
const ARGUMENTS: &[&str] = &[
    "id",
    "email",
    "first",
    "after",
    "upsertUserInput",
    "loginInput",
    "if",
    "x",
];

fn arguments() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(ARGUMENTS), value_literal()), 0..3).prop_map(
        |args| {
            if args.is_empty() {
                String::new()
            } else {
                let args: Vec<_> = args.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("({})", args.join(", "))
            }
        },
    )
}

fn directive() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        1 => Just(" @skip(if: true)".to_owned()),
        1 => Just(" @include(if: $b)".to_owned()),
        1 => Just(" @deprecated".to_owned()),
        1 => Just(" @nope(x: 1)".to_owned()),
        1 => Just(" @skip(if: false) @skip(if: false) @include(if: true)".to_owned()),
    ]
}

/// A selection set over the schema's real fields and some that do not exist, with aliases, arguments,
/// directives and fragment spreads, nested a few levels.
fn selection_set() -> impl Strategy<Value = String> {
    let field = (
        proptest::option::of("[a-z][a-zA-Z0-9]{0,5}"),
        prop::sample::select(FIELDS),
        arguments(),
        directive(),
    )
        .prop_map(|(alias, name, args, dir)| {
            alias.map_or_else(String::new, |a| format!("{a}: ")) + name + &args + &dir
        });
    let leaf = prop::collection::vec(
        prop_oneof![
            6 => field,
            1 => Just("...F".to_owned()),
            1 => Just("... on User { id }".to_owned()),
        ],
        1..4,
    )
    .prop_map(|items| format!("{{ {} }}", items.join(" ")));
    leaf.prop_recursive(4, 24, 3, |inner| {
        (
            prop::sample::select(FIELDS),
            arguments(),
            inner,
            prop::collection::vec(prop::sample::select(FIELDS), 0..3),
        )
            .prop_map(|(name, args, sub, more)| {
                format!("{{ {name}{args} {sub} {} }}", more.join(" "))
            })
    })
}

fn document() -> impl Strategy<Value = String> {
    let operation = prop_oneof![
        Just(""),
        Just("query "),
        Just("mutation "),
        Just("subscription "),
        Just("query Q($v: String, $b: Boolean!) "),
        Just("mutation M($v: UpsertUserInput!, $b: Boolean) "),
        Just("query Q($v: ID!) "),
        Just("query Q($v: Int) "),
    ];
    let fragment = prop_oneof![
        Just(String::new()),
        selection_set().prop_map(|s| format!(" fragment F on Query {s}")),
        selection_set().prop_map(|s| format!(" fragment F on User {s}")),
        Just(" fragment F on Query { ...F }".to_owned()),
    ];
    (operation, selection_set(), fragment, prop::bool::ANY).prop_map(|(op, set, frag, twice)| {
        let body = format!("{op}{set}{frag}");
        if twice {
            format!("{body} query Other {{ me {{ id }} }}")
        } else {
            body
        }
    })
}

/// Variables of any JSON shape, including the ones the documents declare.
fn variables() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        hostile_string().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    let value = leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::hash_map(
                prop_oneof![
                    Just("email"),
                    Just("password"),
                    Just("newPassword"),
                    Just("x")
                ]
                .prop_map(str::to_owned),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    (value, proptest::option::of(any::<bool>())).prop_map(|(v, b)| {
        let mut vars = serde_json::Map::new();
        vars.insert("v".into(), v);
        if let Some(b) = b {
            vars.insert("b".into(), Value::from(b));
        }
        Value::Object(vars)
    })
}

/// Operations the schema accepts, with hostile values where the arguments go: these reach the
/// resolvers and the use cases, where the random documents above mostly stop at validation.
fn executable_operation() -> impl Strategy<Value = (String, Value)> {
    let fields = prop::sample::subsequence(vec!["id", "email", "createdAt", "updatedAt"], 1..=4)
        .prop_map(|f| f.join(" "));
    let literal = prop_oneof![
        hostile_string().prop_map(|s| graphql_string_literal(&s)),
        any::<i32>().prop_map(|n| n.to_string()),
    ];
    let optional_new = prop_oneof![
        Just("null".to_owned()),
        hostile_string().prop_map(|s| graphql_string_literal(&s)),
    ];
    let read = (
        prop_oneof![
            (any::<i32>(), literal.clone())
                .prop_map(|(n, a)| format!("users(first: {n}, after: {a})")),
            any::<i32>().prop_map(|n| format!("users(first: {n})")),
            literal.clone().prop_map(|id| format!("user(id: {id})")),
            hostile_string()
                .prop_map(|e| format!("userByEmail(email: {})", graphql_string_literal(&e))),
            Just("me".to_owned()),
            Just("getUserFromCookie".to_owned()),
        ],
        fields.clone(),
        directive(),
    )
        .prop_map(|(call, f, dir)| format!("{call}{dir} {{ {f} }}"));
    let reads = prop::collection::vec(read, 1..4).prop_map(|reads| {
        let aliased: Vec<_> = reads
            .iter()
            .enumerate()
            .map(|(i, r)| format!("a{i}: {r}"))
            .collect();
        (
            format!("query($b: Boolean = true) {{ {} }}", aliased.join(" ")),
            json!({}),
        )
    });
    let upsert_literal = (hostile_string(), hostile_string(), optional_new, fields.clone()).prop_map(
        |(email, password, new, f)| {
            (
                format!(
                    "mutation {{ upsertUser(upsertUserInput: {{ email: {}, password: {}, newPassword: {new} }}) {{ {f} }} }}",
                    graphql_string_literal(&email),
                    graphql_string_literal(&password)
                ),
                json!({}),
            )
        },
    );
    let login_literal = (hostile_string(), hostile_string()).prop_map(|(email, password)| {
        (
            format!(
                "mutation {{ login(loginInput: {{ email: {}, password: {} }}) {{ id }} logout }}",
                graphql_string_literal(&email),
                graphql_string_literal(&password)
            ),
            json!({}),
        )
    });
    let with_variables = (
        prop_oneof![
            Just("query($v: ID!) { user(id: $v) { id } }"),
            Just("query($v: Int) { users(first: $v) { id } }"),
            Just("query($v: String!) { userByEmail(email: $v) { id } }"),
            Just("mutation($v: UpsertUserInput!) { upsertUser(upsertUserInput: $v) { id } }"),
            Just("mutation($v: LoginInput!) { login(loginInput: $v) { id } }"),
        ],
        variables(),
    )
        .prop_map(|(q, v)| (q.to_owned(), v));
    prop_oneof![reads, upsert_literal, login_literal, with_variables]
}

// ---------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_get_only_documented_errors(
        query in document(),
        vars in variables(),
        signed_in in any::<bool>(),
    ) {
        let response = execute(&schema(), query, vars, signed_in);
        check_response(&response)?;
    }

    #[test]
    fn arbitrary_text_is_a_parse_or_validation_error_never_a_panic(
        query in prop_oneof![".{0,300}", "[{}()@$:!.a-z \\n\"]{0,200}"],
        vars in variables(),
    ) {
        let response = execute(&schema(), query, vars, true);
        check_response(&response)?;
    }

    #[test]
    fn executable_operations_with_hostile_values_get_only_documented_errors(
        (query, vars) in executable_operation(),
        signed_in in any::<bool>(),
    ) {
        let response = execute(&schema(), query, vars, signed_in);
        check_response(&response)?;
    }
}

/// Guards the generator above: if most of its operations stopped at parsing or validation, the
/// property would pass without ever reaching a resolver.
#[test]
fn most_executable_operations_reach_the_resolvers() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let schema = schema();
    let mut executed = 0;
    for _ in 0..200 {
        let (query, vars) = executable_operation()
            .new_tree(&mut runner)
            .expect("a value")
            .current();
        let response = execute(&schema, query, vars, true);
        let stopped_early = response["errors"].as_array().is_some_and(|errors| {
            errors.iter().any(|e| {
                let code = e["extensions"]["code"].as_str().unwrap_or_default();
                code.starts_with("GRAPHQL_")
            })
        });
        if !stopped_early {
            executed += 1;
        }
    }
    assert!(
        executed >= 100,
        "only {executed} of 200 operations were executed"
    );
}
