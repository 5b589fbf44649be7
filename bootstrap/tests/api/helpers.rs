use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use adapters::postgres::testing::TestDatabase;
use bootstrap::service::ModuleSettings;
use bootstrap::service::users::UsersSettings;
use bootstrap::settings::{DatabaseSettings, LogFormat, LogSettings, ServerSettings};
use bootstrap::{Application, Seconds, Settings};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const SEED_PASSWORD: &str = "MyPassword1!";
pub const SEED_NEW_PASSWORD: &str = "MyPassword2!";
/// The secret test apps sign with, so tests can forge tokens the way an attacker with it could.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// What the app under test stores its data in, kept alive (and cleaned up) with the app.
pub enum TestStore {
    Postgres(TestDatabase),
    /// The embedded default, in a directory of its own.
    Sqlite(tempfile::TempDir),
    /// Another app's PostgreSQL database, as a second replica would share it; that app owns it.
    Shared(String),
}

pub struct TestApp {
    pub address: String,
    /// `/metrics`, when the settings serve it.
    #[allow(
        dead_code,
        reason = "read by the metrics test binary, which shares these helpers"
    )]
    pub metrics: Option<String>,
    pub store: TestStore,
    pub client: reqwest::Client,
    /// Sent as a bearer token with every `graphql` call once `sign_in` has run.
    session: std::sync::Mutex<Option<String>>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings as a test wants them: any free port, loopback only, the cheapest bcrypt cost, quiet logs.
pub fn test_settings(database_url: Option<String>, sqlite_path: PathBuf) -> Settings {
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
            users: UsersSettings {
                bcrypt_cost: 4,
                bcrypt_max_concurrency: 0,
                // The concurrency tests send a hundred checks at once on purpose; overload.rs tests
                // the limit.
                password_checks_in_flight: 1_000,
                password_check_wait_ms: 5_000,
                jwt_secret: Some(TEST_JWT_SECRET.to_owned().into()),
                jwt_expiration: Seconds(3_600),
                jwt_issuer: "jobber-auth".to_owned(),
                jwt_audience: "jobber".to_owned(),
                // reqwest's cookie-less client reads Set-Cookie itself; Secure is asserted where it
                // matters.
                cookie_secure: true,
                // The race tests send dozens of wrong passwords at one account on purpose; the lock
                // tests set their own, stricter policy.
                lockout_threshold: 1_000,
                lockout_base_seconds: 30,
                lockout_max_seconds: 900,
                // The same tests make their failures from one address; spraying.rs sets a low limit.
                client_failure_limit: 1_000_000,
                client_failure_window_seconds: 600,
                client_refusal_seconds: 600,
            },
        },
    }
}

/// The shipped limits on password checks at the course's bcrypt cost, for the tests that hold the
/// defaults to what they promise on this machine.
pub fn default_check_limits_at_cost_10(s: &mut Settings) {
    let defaults = bootstrap::service::users::UsersSettings::default();
    s.modules.users.bcrypt_cost = 10;
    s.modules.users.bcrypt_max_concurrency = defaults.bcrypt_max_concurrency;
    s.modules.users.password_checks_in_flight = defaults.password_checks_in_flight;
    s.modules.users.password_check_wait_ms = defaults.password_check_wait_ms;
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::start(TestStore::Postgres(TestDatabase::create().await), adjust).await
    }

    /// A second replica: another app on this app's PostgreSQL database.
    pub async fn spawn_replica(&self, adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on(self.pg().url(), adjust).await
    }

    /// An app on a PostgreSQL database someone else owns (the reliability suite's own cluster).
    pub async fn spawn_on(url: String, adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::start(TestStore::Shared(url), adjust).await
    }

    /// The app on its embedded default: no database URL, a SQLite file in a fresh directory.
    pub async fn spawn_sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        Self::start(TestStore::Sqlite(dir), |_| {}).await
    }

    async fn start(store: TestStore, adjust: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = match &store {
            TestStore::Postgres(db) => test_settings(Some(db.url()), PathBuf::from("unused.db")),
            TestStore::Sqlite(dir) => test_settings(None, dir.path().join("auth.db")),
            TestStore::Shared(url) => test_settings(Some(url.clone()), PathBuf::from("unused.db")),
        };
        adjust(&mut settings);
        let app = Application::build(&settings)
            .await
            .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}/metrics"));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Self {
            address,
            metrics,
            store,
            client: reqwest::Client::new(),
            session: std::sync::Mutex::new(None),
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

    /// POSTs a GraphQL document as JSON and returns the response body. Every response is checked for
    /// leaked secrets on the way.
    pub async fn graphql(&self, query: &str) -> Value {
        self.graphql_with(json!({ "query": query })).await
    }

    pub async fn graphql_with(&self, body: Value) -> Value {
        let mut request = self.client.post(self.url("/graphql")).json(&body);
        if let Some(token) = self.session.lock().expect("not poisoned").clone() {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        assert_eq!(
            response.status(),
            200,
            "GraphQL responses are 200 with errors in the body"
        );
        let text = response.text().await.expect("body");
        assert_no_secrets(&text);
        serde_json::from_str(&text).expect("JSON body")
    }

    /// Signs up `caller@example.com` and logs it in; later `graphql` calls carry its token, so the
    /// guarded queries answer. Returns the token.
    pub async fn sign_in(&self) -> String {
        let created = self.upsert(CALLER, SEED_PASSWORD, None).await;
        assert!(created["errors"].is_null(), "{created}");
        let token = self.log_in(CALLER, SEED_PASSWORD).await;
        *self.session.lock().expect("not poisoned") = Some(token.clone());
        token
    }

    /// Logs in and returns the session token from the `Authentication` cookie, as a script would.
    pub async fn log_in(&self, email: &str, password: &str) -> String {
        let response = self.login_response(email, password).await;
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("login set no cookie: {:?}", response.headers()))
            .to_owned();
        let body: Value = response.json().await.expect("JSON");
        assert!(body["errors"].is_null(), "login failed: {body}");
        session_cookie_value(&cookie).to_owned()
    }

    /// The raw HTTP response of a login, for tests that look at its headers.
    pub async fn login_response(&self, email: &str, password: &str) -> reqwest::Response {
        let query = "mutation($input: LoginInput!) { login(loginInput: $input) { id email } }";
        let variables = json!({ "input": { "email": email, "password": password } });
        self.client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("login sent")
    }

    pub async fn upsert(&self, email: &str, password: &str, new_password: Option<&str>) -> Value {
        let query = "mutation($input: UpsertUserInput!) { upsertUser(upsertUserInput: $input) { id email createdAt updatedAt } }";
        let input = json!({ "email": email, "password": password, "newPassword": new_password });
        self.graphql_with(json!({ "query": query, "variables": { "input": input } }))
            .await
    }

    /// The PostgreSQL database behind the app; for tests that only make sense there.
    pub fn pg(&self) -> &TestDatabase {
        match &self.store {
            TestStore::Postgres(db) => db,
            TestStore::Sqlite(_) | TestStore::Shared(_) => {
                panic!("this test needs the app that owns a PostgreSQL database")
            }
        }
    }

    /// Counts rows straight from the store, behind the service's back.
    pub async fn count_users(&self) -> i64 {
        let query = "SELECT count(*) FROM users";
        match &self.store {
            TestStore::Postgres(db) => sqlx::query_scalar(query).fetch_one(&db.pool).await,
            TestStore::Shared(_) => panic!("count users through the app that owns the database"),
            TestStore::Sqlite(dir) => {
                let path = dir.path().join("auth.db");
                let pool = sqlx::SqlitePool::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new().filename(path),
                )
                .await
                .expect("the app's SQLite file opens");
                let count = sqlx::query_scalar(query).fetch_one(&pool).await;
                pool.close().await;
                count
            }
        }
        .expect("count")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// The user `sign_in` creates.
pub const CALLER: &str = "caller@example.com";

/// `token` from `Authentication=token; Max-Age=…`.
pub fn session_cookie_value(set_cookie: &str) -> &str {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.trim().strip_prefix("Authentication="))
        .unwrap_or_else(|| panic!("not the session cookie: {set_cookie}"))
}

/// No bcrypt hash, in any variant, ever appears in a response.
pub fn assert_no_secrets(text: &str) {
    for prefix in ["$2a$", "$2b$", "$2y$"] {
        assert!(
            !text.contains(prefix),
            "a password hash leaked into a response: {text}"
        );
    }
}

/// The `extensions.code` of the first error, or None when there are no errors.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

pub fn error_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
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
