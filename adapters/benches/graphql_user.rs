//! CPU cost of executing GraphQL user queries through the real schema, with mocked ports.
//!
//! Parsing, validation, the depth and complexity limits, the request guards, the session lookup, the use
//! case and the resolution of every field into the response's value tree all run; the repository and
//! the token check are mocks that answer at once. With no database and no HTTP in the way, what remains
//! is the adapter's and async-graphql's own overhead per request, so a regression there shows instead of
//! hiding in I/O time. Encoding the response as JSON text is the HTTP adapter's job and is not included.
//!
//! `user_by_id` is the cost of one small request; `users_first_100` adds 99 rows, so the difference
//! between them is roughly 99 times the per-row cost (four fields, one ID, two `DateTime` scalars).

use adapters::graphql::RequestCredentials;
use adapters::schema::AppSchema;
use adapters::users::graphql::testing::{Options, schema as users_schema};
use application::users::ports::MockUserRepository;
use application::{MockAuthUseCases, MockUpsertUser, UserQueryService};
use async_graphql::{Request, Response};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::{Email, PasswordHash, User, UserId};
use serde_json::Value;
use tokio::runtime::Runtime;

const USER: &str = r#"{ user(id: "1") { id email createdAt updatedAt } }"#;
const USERS: &str = "{ users(first: 100) { id email createdAt updatedAt } }";

fn user(id: i64) -> User {
    let at = Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid");
    User {
        id: UserId::try_new(id).expect("id"),
        email: Email::parse(&format!("user{id}@example.com")).expect("email"),
        password_hash: PasswordHash::new("$2b$04$not-a-real-hash".to_owned()),
        password_version: 1,
        created_at: at,
        updated_at: at,
    }
}

/// The real `UserQueryService` behind the schema, so the benchmark includes its id parsing and page-size
/// checks; only the ports are mocks.
fn schema() -> AppSchema {
    let mut repo = MockUserRepository::new();
    let one = user(1);
    repo.expect_find_by_id()
        .returning(move |_| Ok(Some(one.clone())));
    let page: Vec<User> = (1..=100).map(user).collect();
    // A real repository allocates every row per call too, so cloning here is not extra cost to hide.
    repo.expect_list().returning(move |_, _| Ok(page.clone()));
    // The read path has no hasher or clock at all; the upserts mock has no expectations, so a call
    // would panic the check below instead of being measured.
    let users = UserQueryService::new(repo);

    let mut auth = MockAuthUseCases::new();
    let caller = user(1);
    auth.expect_authenticate()
        .returning(move |_| Ok(caller.clone()));

    users_schema(users, MockUpsertUser::new(), auth, Options::default())
}

fn runtime() -> Runtime {
    // Nothing here waits on I/O or timers, so no drivers; a current-thread runtime polls the request on
    // the benchmark's own thread, leaving no idle workers to compete for the machine's cores.
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
}

async fn execute(schema: &AppSchema, query: &str) -> Response {
    let request = Request::new(query).data(RequestCredentials::new(Some("token".into())));
    schema.execute(request).await
}

/// Fails the run if the query errs, so a broken mock or guard cannot make the benchmark time the much
/// cheaper error path.
fn checked(runtime: &Runtime, schema: &AppSchema, query: &str) -> Value {
    let response = runtime.block_on(execute(schema, query));
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    serde_json::to_value(&response).expect("serialises")
}

fn graphql_user(c: &mut Criterion) {
    let runtime = runtime();
    let schema = schema();

    let one = checked(&runtime, &schema, USER);
    assert_eq!(one["data"]["user"]["id"], "1", "{one}");
    let many = checked(&runtime, &schema, USERS);
    let rows = many["data"]["users"].as_array().expect("a list");
    assert_eq!(rows.len(), 100);
    assert_eq!(rows[99]["id"], "100");

    let mut group = c.benchmark_group("graphql_user");
    group.bench_function("user_by_id", |b| {
        b.iter(|| runtime.block_on(execute(&schema, USER)));
    });
    group.bench_function("users_first_100", |b| {
        b.iter(|| runtime.block_on(execute(&schema, USERS)));
    });
    group.finish();
}

criterion_group!(benches, graphql_user);
criterion_main!(benches);
