{% import "_macros.j2" as m %}
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use adapters::postgres::testing::TestDatabase;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bootstrap::service::ModuleSettings;
use bootstrap::service::callers::CallersSettings;
use bootstrap::settings::{DatabaseSettings, LogFormat, LogSettings, ServerSettings};
use bootstrap::{Application, Settings};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The session tokens the stub auth service knows, and the caller each one proves.
pub const ALICE: &str = "alice-session-token";
pub const BOB: &str = "bob-session-token";
pub const ALICE_ID: &str = "1";

/// How the stub answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// As auth does: 200 with the caller for a known token, 401 otherwise.
    Normal,
    /// Answers only after longer than the service waits.
    Slow,
    /// 500 for everything.
    Failing,
    /// 200 with a body that is not auth's.
    Garbage,
}

#[derive(Debug)]
struct StubState {
    sessions: HashMap<String, i64>,
    behaviour: Behaviour,
    calls: usize,
}

/// A stand-in for the auth service's `GET /api/authenticate`, on a free loopback port.
#[derive(Debug, Clone)]
pub struct StubAuth {
    pub url: String,
    state: Arc<Mutex<StubState>>,
    server: Arc<JoinHandle<()>>,
}

impl StubAuth {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(StubState {
            sessions: HashMap::from([(ALICE.to_owned(), 1), (BOB.to_owned(), 2)]),
            behaviour: Behaviour::Normal,
            calls: 0,
        }));
        let router = Router::new()
            .route("/api/authenticate", get(authenticate))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url,
            state,
            server: Arc::new(server),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, StubState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn behave(&self, behaviour: Behaviour) {
        self.state().behaviour = behaviour;
    }

    /// Forgets a session, as auth does when its password changes.
    pub fn revoke(&self, token: &str) {
        self.state().sessions.remove(token);
    }

    /// How many times the service has asked.
    pub fn calls(&self) -> usize {
        self.state().calls
    }

    /// Stops answering at all: the port then refuses connections.
    pub fn stop(&self) {
        self.server.abort();
    }
}

/// The token a request carries as auth reads it: the bearer header, or the cookie.
fn token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    bearer.or_else(|| {
        headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').find_map(|pair| pair.trim().strip_prefix("Authentication=")))
            .map(str::to_owned)
    })
}

async fn authenticate(
    axum::extract::State(state): axum::extract::State<Arc<Mutex<StubState>>>,
    headers: HeaderMap,
) -> Response {
    let (behaviour, caller) = {
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        state.calls += 1;
        let caller = token(&headers).and_then(|t| state.sessions.get(&t).copied());
        (state.behaviour, caller)
    };
    match behaviour {
        Behaviour::Normal => match caller {
            Some(id) => axum::Json(json!({
                "id": id.to_string(),
                "createdAt": "2026-01-01T00:00:00.000Z",
                "updatedAt": "2026-01-01T00:00:00.000Z",
            }))
            .into_response(),
            None => (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({ "errors": [{ "message": "no", "extensions": { "code": "UNAUTHENTICATED" } }] })),
            )
                .into_response(),
        },
        Behaviour::Slow => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            StatusCode::OK.into_response()
        }
        Behaviour::Failing => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Behaviour::Garbage => (StatusCode::OK, "<html>not auth</html>").into_response(),
    }
}

/// What the app under test stores its data in, kept alive (and cleaned up) with the app.
pub enum TestStore {
    Postgres(TestDatabase),
    /// The embedded default, in a directory of its own.
    Sqlite(tempfile::TempDir),
}

pub struct TestApp {
    pub address: String,
    pub auth: StubAuth,
    pub client: reqwest::Client,
    _store: TestStore,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings as a test wants them: any free port, loopback only, quiet logs, the stub auth service.
pub fn test_settings(database_url: Option<String>, sqlite_path: PathBuf, auth_url: &str) -> Settings {
    Settings {
        server: ServerSettings {
            port: 0,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            graphiql: true,
            introspection: true,
            body_limit_bytes: 64 * 1024,
            shutdown_grace_ms: 5000,
            header_read_timeout_ms: 20_000,
            body_read_timeout_ms: 20_000,
            max_connections_per_client: 256,
            trusted_proxies: String::new(),
            metrics_addr: None,
        },
        database: DatabaseSettings {
            database_url: database_url.map(Into::into),
            sqlite_path,
            db_max_connections: 10,
            db_acquire_timeout_ms: 2000,
            db_statement_timeout_ms: 5000,
            run_migrations: true,
        },
        log: LogSettings {
            log_format: LogFormat::Pretty,
            log_level: "warn".to_owned(),
        },
        modules: ModuleSettings {
            callers: CallersSettings {
                auth_url: auth_url.to_owned(),
            },
        },
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::start(TestStore::Postgres(TestDatabase::create().await), adjust).await
    }

    /// The app on its embedded default: no database URL, a SQLite file in a fresh directory.
    pub async fn spawn_sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        Self::start(TestStore::Sqlite(dir), |_| {}).await
    }

    async fn start(store: TestStore, adjust: impl FnOnce(&mut Settings)) -> Self {
        let auth = StubAuth::start().await;
        let mut settings = match &store {
            TestStore::Postgres(db) => test_settings(Some(db.url()), PathBuf::from("unused.db"), &auth.url),
            TestStore::Sqlite(dir) => test_settings(None, dir.path().join("test.db"), &auth.url),
        };
        adjust(&mut settings);
        let app = Application::build(&settings)
            .await
            .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Self {
            address,
            auth,
            client: reqwest::Client::new(),
            _store: store,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Asks the server to stop and waits for it, as SIGTERM would.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(server) => server.await.expect("the server task did not panic"),
            None => Ok(()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs `body` to `/graphql` as the holder of `token` (a bearer header), and returns the JSON.
    pub async fn graphql_as(&self, token: Option<&str>, body: Value) -> Value {
        let mut request = self.client.post(self.url("/graphql")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        assert_eq!(
            response.status(),
            200,
            "GraphQL responses are 200 with errors in the body"
        );
        response.json().await.expect("a JSON body")
    }

    pub async fn query_as(&self, token: Option<&str>, query: &str) -> Value {
        self.graphql_as(token, json!({ "query": query })).await
    }

    /// `{{ entity.camel }}(id:)` as `token`'s caller: the whole response.
    pub async fn read(&self, token: Option<&str>, id: &Value) -> Value {
        self.graphql_as(token, json!({ "query": READ, "variables": { "id": id } }))
            .await
    }

    /// `update{{ entity.pascal }}` as `token`'s caller: the whole response.
    pub async fn update(&self, token: Option<&str>, id: &Value, input: Value) -> Value {
        self.graphql_as(
            token,
            json!({ "query": UPDATE, "variables": { "id": id, "input": input } }),
        )
        .await
    }

    /// `delete{{ entity.pascal }}` as `token`'s caller: the whole response.
    pub async fn delete(&self, token: Option<&str>, id: &Value) -> Value {
        self.graphql_as(token, json!({ "query": DELETE, "variables": { "id": id } }))
            .await
    }

    /// The ids of a page of `token`'s caller's {{ plural.prose }}, `first` after `after`.
    pub async fn page(&self, token: &str, first: Option<i64>, after: Option<&Value>) -> Vec<Value> {
        let body = self
            .graphql_as(
                Some(token),
                json!({ "query": LIST, "variables": { "first": first, "after": after } }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"]["{{ plural.camel }}"]
            .as_array()
            .map(|rows| rows.iter().map(|row| row["id"].clone()).collect())
            .unwrap_or_default()
    }

    /// Creates a {{ entity.prose }} as `token`'s caller with `input` and returns it, failing the test on
    /// an error.
    pub async fn create(&self, token: &str, input: Value) -> Value {
        let body = self
            .graphql_as(
                Some(token),
                json!({ "query": CREATE, "variables": { "input": input } }),
            )
            .await;
        assert!(body["errors"].is_null(), "create failed: {body}");
        body["data"]["create{{ entity.pascal }}"].clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.auth.stop();
    }
}

pub const READ: &str = "query($id: ID!) { {{ entity.camel }}(id: $id) { id {% for f in fields %}{{ f.camel }} {% endfor %}ownerId createdAt updatedAt } }";

pub const LIST: &str = "query($first: Int, $after: ID) { {{ plural.camel }}(first: $first, after: $after) { id {% for f in fields %}{{ f.camel }} {% endfor %}ownerId createdAt updatedAt } }";

pub const DELETE: &str = "mutation($id: ID!) { delete{{ entity.pascal }}(id: $id) }";

pub const CREATE: &str = "mutation($input: Create{{ entity.pascal }}Input!) { create{{ entity.pascal }}(input: $input) { id {% for f in fields %}{{ f.camel }} {% endfor %}ownerId createdAt updatedAt } }";

pub const UPDATE: &str = "mutation($id: ID!, $input: Update{{ entity.pascal }}Input!) { update{{ entity.pascal }}(id: $id, input: $input) { id {% for f in fields %}{{ f.camel }} {% endfor %}ownerId createdAt updatedAt } }";

/// A create input with every field set; timestamps carry an offset and microseconds, which the service
/// stores in UTC to the millisecond.
pub fn full_input() -> Value {
    json!({
{% for f in fields %}
{% if f.kind == "string" %}
        "{{ f.camel }}": "  {{ f.camel }} one  ",
{% elif f.kind == "int" %}
        "{{ f.camel }}": 7,
{% elif f.kind == "bool" %}
        "{{ f.camel }}": true,
{% else %}
        "{{ f.camel }}": "2026-03-04T05:06:07.891234+02:00",
{% endif %}
{% endfor %}
    })
}

/// What `full_input` reads back as.
pub fn full_output() -> Value {
    json!({
{% for f in fields %}
{% if f.kind == "string" %}
        "{{ f.camel }}": "{{ f.camel }} one",
{% elif f.kind == "int" %}
        "{{ f.camel }}": 7,
{% elif f.kind == "bool" %}
        "{{ f.camel }}": true,
{% else %}
        "{{ f.camel }}": "2026-03-04T03:06:07.891Z",
{% endif %}
{% endfor %}
    })
}

/// The fields of a row as returned, without its id, owner and timestamps.
pub fn fields_of(row: &Value) -> Value {
    let mut fields = row.clone();
    if let Some(object) = fields.as_object_mut() {
        for fixed in ["id", "ownerId", "createdAt", "updatedAt"] {
            object.remove(fixed);
        }
    }
    fields
}

/// The `extensions.code` of the first error, or None when there are no errors.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// `(field, [rules])` for every field a `BAD_USER_INPUT` names.
pub fn broken_fields(body: &Value) -> Vec<(String, Vec<String>)> {
    body["errors"][0]["extensions"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|field| {
            let rules = field["violations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v["rule"].as_str().map(str::to_owned))
                .collect();
            (field["field"].as_str().unwrap_or_default().to_owned(), rules)
        })
        .collect()
}

/// Runs a black-box scenario `async fn name(app: &TestApp)` once on PostgreSQL and once on the embedded
/// SQLite default, as two tests `name::postgres` and `name::sqlite`: clients must not tell them apart.
macro_rules! on_both_stores {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            use crate::helpers::TestApp;

            #[tokio::test]
            async fn postgres() {
                super::$scenario(&TestApp::spawn().await).await;
            }

            #[tokio::test]
            async fn sqlite() {
                super::$scenario(&TestApp::spawn_sqlite().await).await;
            }
        }
    )+};
}
pub(crate) use on_both_stores;
