//! GraphiQL in a real browser: headless Chromium, driven over the W3C WebDriver protocol by
//! chromedriver, opens `GET /graphql` of the service on SQLite and runs queries with the run button.
//! Every host name but loopback fails to resolve in that browser, so a page that needed a CDN would
//! never leave "Loading"; the test also checks that nothing off-origin was asked for and that the
//! page's Content-Security-Policy refused nothing.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/browser-deps` installs them), or
//! `CHROME_BIN` and `CHROMEDRIVER` naming another Chrome and its driver. Without them the test fails.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::helpers::{CALLER, TestApp};

const INSTALL: &str = "the GraphiQL browser test needs Chromium and chromedriver: install them with \
     `apt-get install chromium chromium-driver` (or run scripts/browser-deps), or set CHROME_BIN and \
     CHROMEDRIVER to a Chrome and its matching driver";

/// Long enough for a cold start of Chromium on a busy two-core machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// Records every Content-Security-Policy violation of the page, from before its first script runs.
const VIOLATION_LISTENER: &str = "window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});";

fn tool(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.is_file(),
        "{} not found ({variable} or {default}); {INSTALL}",
        path.display()
    );
    path
}

/// chromedriver on a free loopback port, in a process group of its own so that it and the browser it
/// starts are killed with the test, however the test ends.
struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
    profile: tempfile::TempDir,
}

impl Driver {
    async fn start() -> (Self, String) {
        let chrome = tool("CHROME_BIN", "/usr/bin/chromium");
        let chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{} does not start: {e}; {INSTALL}", chromedriver.display())
            });
        let driver = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            profile: tempfile::tempdir().expect("a profile directory"),
        };
        let started = Instant::now();
        loop {
            let status = driver.http.get(format!("{}/status", driver.base)).send();
            if let Ok(response) = status.await {
                let body: Value = response.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    break;
                }
            }
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver never became ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chrome,
                "args": [
                    "--headless=new",
                    // The sandbox needs user namespaces, which containers (and root) often lack; this
                    // browser only ever opens the service under test.
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", driver.profile.path().display()),
                    // Nothing but the service's loopback address resolves, as on a machine without
                    // internet.
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let session = driver.call("POST", "/session", capabilities).await;
        let id = session["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {session}"))
            .to_owned();
        (driver, id)
    }

    /// One WebDriver command; its `value`, or a panic that shows the driver's error.
    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let response = request
            .timeout(PATIENCE)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let answer: Value = response.json().await.expect("a JSON answer");
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
        answer["value"].clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
        }
    }
}

struct Browser {
    driver: Driver,
    session: String,
}

impl Browser {
    async fn open() -> Self {
        let (driver, session) = Driver::start().await;
        let browser = Self { driver, session };
        browser
            .command(
                "/goog/cdp/execute",
                json!({
                    "cmd": "Page.addScriptToEvaluateOnNewDocument",
                    "params": { "source": VIOLATION_LISTENER },
                }),
            )
            .await;
        browser
    }

    async fn command(&self, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.driver.call("POST", &path, body).await
    }

    async fn script(&self, script: &str, args: Value) -> Value {
        self.command("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Polls `script` until it returns something `done` accepts; that value.
    async fn wait_for(&self, what: &str, script: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let value = self.script(script, json!([])).await;
            if done(&value) {
                return value;
            }
            if started.elapsed() > PATIENCE {
                let page = self
                    .script("return document.body.innerText", json!([]))
                    .await;
                panic!("{what} did not happen; last seen {value}; the page says {page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn click(&self, selector: &str) {
        let element = self
            .command(
                "/element",
                json!({ "using": "css selector", "value": selector }),
            )
            .await;
        let id = element
            .as_object()
            .and_then(|reference| reference.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {selector}: {element}"))
            .to_owned();
        self.command(&format!("/element/{id}/click"), json!({}))
            .await;
    }

    /// Puts `query` in GraphiQL's editor, presses the run button and waits for a result holding
    /// `expected`; the result.
    async fn run(&self, query: &str, expected: &str) -> String {
        self.script(
            "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(arguments[0]);",
            json!([query]),
        )
        .await;
        self.click(".graphiql-execute-button").await;
        let result = self
            .wait_for(
                &format!("a result with {expected} for {query}"),
                "var r = document.querySelector('.graphiql-response .CodeMirror-code'); return r ? r.innerText : '';",
                |text| text.as_str().is_some_and(|t| t.contains(expected)),
            )
            .await;
        result.as_str().unwrap_or_default().to_owned()
    }

    async fn close(self) {
        let path = format!("/session/{}", self.session);
        self.driver.call("DELETE", &path, Value::Null).await;
    }
}

#[tokio::test]
async fn graphiql_works_in_a_browser_with_nothing_but_this_origin() {
    let app = TestApp::spawn_sqlite().await;
    let token = app.sign_in().await;
    let browser = Browser::open().await;

    browser
        .command("/url", json!({ "url": app.url("/graphql") }))
        .await;
    browser
        .wait_for(
            "GraphiQL's editor to render",
            "return !!document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror');",
            |rendered| rendered == true,
        )
        .await;

    let result = browser
        .run("{ __typename }", "\"__typename\": \"Query\"")
        .await;
    assert!(!result.contains("errors"), "{result}");

    // The fetcher sends the session cookie: refused without it, answered with it.
    browser.run("{ users { email } }", "UNAUTHENTICATED").await;
    let cookie = json!({ "name": adapters::http::SESSION_COOKIE, "value": token, "path": "/", "httpOnly": true });
    browser
        .command("/cookie", json!({ "cookie": cookie }))
        .await;
    browser
        .run("{ users { email } }", &format!("\"email\": \"{CALLER}\""))
        .await;

    // The documentation explorer (the schema, by introspection) and a dialog, whose scroll lock is the
    // one place GraphiQL writes a <style> element of its own.
    browser
        .click("button[aria-label$='Documentation Explorer']")
        .await;
    browser
        .wait_for(
            "the documentation explorer to show the schema",
            "var d = document.querySelector('.graphiql-doc-explorer'); return d ? d.innerText : '';",
            |text| text.as_str().is_some_and(|t| t.contains("Query")),
        )
        .await;
    browser
        .click("button[aria-label='Open settings dialog']")
        .await;
    browser
        .wait_for(
            "the settings dialog to open",
            "return !!document.querySelector('.graphiql-dialog');",
            |open| open == true,
        )
        .await;

    let requested = browser
        .script(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).map(function (e) { return e.name; });",
            json!([]),
        )
        .await;
    let requested: Vec<&str> = requested
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let origin = format!("{}/", app.address);
    let off_origin: Vec<_> = requested
        .iter()
        .filter(|url| !url.starts_with(&origin))
        .collect();
    assert!(off_origin.is_empty(), "asked for {off_origin:?}");
    for file in [
        "/graphiql/react-18.3.1.production.min.js",
        "/graphiql/react-dom-18.3.1.production.min.js",
        "/graphiql/graphiql-3.9.0.min.js",
        "/graphiql/graphiql-3.9.0.min.css",
        "/graphiql/start.js",
        "/graphiql/page.css",
    ] {
        assert!(
            requested.contains(&app.url(file).as_str()),
            "{file} was not loaded: {requested:?}"
        );
    }

    let violations = browser
        .script("return window.__cspViolations;", json!([]))
        .await;
    assert_eq!(violations, json!([]), "the page's policy refused something");
    let log = browser
        .command("/se/log", json!({ "type": "browser" }))
        .await;
    let severe: Vec<&Value> = log
        .as_array()
        .expect("log entries")
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .collect();
    assert!(severe.is_empty(), "the browser logged errors: {severe:?}");

    browser.close().await;
}
