use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use adapters::postgres::testing::TestDatabase;
use bootstrap::settings::LogFormat;
use bootstrap::{Application, Settings};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const SEED_PASSWORD: &str = "MyPassword1!";
pub const SEED_NEW_PASSWORD: &str = "MyPassword2!";

/// What the app under test stores its data in, kept alive (and cleaned up) with the app.
pub enum TestStore {
    Postgres(TestDatabase),
    /// The embedded default, in a directory of its own.
    Sqlite(tempfile::TempDir),
}

pub struct TestApp {
    pub address: String,
    pub store: TestStore,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings as a test wants them: any free port, loopback only, the cheapest bcrypt cost, quiet logs.
pub fn test_settings(database_url: Option<String>, sqlite_path: PathBuf) -> Settings {
    Settings {
        port: 0,
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        database_url: database_url.map(Into::into),
        sqlite_path,
        db_max_connections: 10,
        db_acquire_timeout_ms: 2000,
        db_statement_timeout_ms: 5000,
        run_migrations: true,
        bcrypt_cost: 4,
        bcrypt_max_concurrency: 0,
        graphiql: true,
        introspection: true,
        body_limit_bytes: 64 * 1024,
        shutdown_grace_ms: 5000,
        log_format: LogFormat::Pretty,
        log_level: "warn".to_owned(),
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
        let mut settings = match &store {
            TestStore::Postgres(db) => test_settings(Some(db.url()), PathBuf::from("unused.db")),
            TestStore::Sqlite(dir) => test_settings(None, dir.path().join("auth.db")),
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
            store,
            client: reqwest::Client::new(),
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
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(
            response.status(),
            200,
            "GraphQL responses are 200 with errors in the body"
        );
        let text = response.text().await.expect("body");
        assert_no_secrets(&text);
        serde_json::from_str(&text).expect("JSON body")
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
            TestStore::Sqlite(_) => panic!("this test needs the app on PostgreSQL"),
        }
    }

    /// Counts rows straight from the store, behind the service's back.
    pub async fn count_users(&self) -> i64 {
        let query = "SELECT count(*) FROM users";
        match &self.store {
            TestStore::Postgres(db) => sqlx::query_scalar(query).fetch_one(&db.pool).await,
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
