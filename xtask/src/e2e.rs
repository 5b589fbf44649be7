//! The end-to-end run of a generated service: the real auth binary and the generated binary, each on its
//! embedded store and a free loopback port, and a client that logs in at auth and uses the session at
//! the service, as a job-engine client would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::args::NewService;
use crate::fields::{Field, Kind};
use crate::say;

const PASSWORD: &str = "MyPassword1!";
const NEW_PASSWORD: &str = "MyPassword2!";

/// A binary that serves until dropped.
struct Server {
    name: &'static str,
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `binary` in `dir` with nothing of the caller's environment but `PATH` and `env`, and
    /// waits for the line that says where it serves.
    fn start(
        name: &'static str,
        binary: &Path,
        dir: &Path,
        env: &[(&str, String)],
    ) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut child = Command::new(binary)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PORT", "0")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{name} ({}) did not start: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (lines, seen) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    // Nobody reads any more; keep draining so the server never blocks on its log.
                    continue;
                }
            }
        });
        let mut log = Vec::new();
        loop {
            let line = seen.recv_timeout(Duration::from_secs(30)).map_err(|_| {
                format!(
                    "{name} did not serve within 30 s; its log:\n{}",
                    log.join("\n")
                )
            })?;
            if let Some(port) = served_port(&line) {
                return Ok(Self { name, child, port });
            }
            log.push(line);
        }
    }

    fn url(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// The port in `serving GraphQL at http://localhost:PORT/graphql`.
fn served_port(line: &str) -> Option<u16> {
    let url = line.split("serving GraphQL at http://").nth(1)?;
    let authority = url.split('/').next()?;
    authority.rsplit(':').next()?.parse().ok()
}

/// One HTTP/1.1 exchange on its own connection: the status, the `Set-Cookie` header, and the body.
fn post(
    address: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Result<(u16, Option<String>, Value), String> {
    let mut stream =
        TcpStream::connect(address).map_err(|e| format!("connect to {address}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let body = body.to_string();
    let mut request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send to {address}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("read from {address}: {e}"))?;
    let text = String::from_utf8(raw).map_err(|e| format!("a response that is not UTF-8: {e}"))?;
    let (head, content) = text
        .split_once("\r\n\r\n")
        .ok_or("a response without a head")?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("a response without a status")?;
    let mut cookie = None;
    let mut chunked = false;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "set-cookie" {
                cookie = Some(value.to_owned());
            }
            if name == "transfer-encoding" && value.eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
    }
    let content = if chunked {
        dechunk(content)
    } else {
        content.to_owned()
    };
    let json = serde_json::from_str(&content)
        .map_err(|e| format!("a body that is not JSON ({e}): {content}"))?;
    Ok((status, cookie, json))
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// A client of both services.
struct Client {
    auth: String,
    service: String,
}

impl Client {
    fn auth(&self, query: &str, variables: Value) -> Result<(Option<String>, Value), String> {
        let (status, cookie, body) = post(
            &self.auth,
            &[],
            &json!({ "query": query, "variables": variables }),
        )?;
        expect(status == 200, &format!("auth answered {status}: {body}"))?;
        Ok((cookie, body))
    }

    fn sign_up_and_log_in(&self, email: &str) -> Result<String, String> {
        let (_, created) = self.auth(
            "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
            json!({ "i": { "email": email, "password": PASSWORD } }),
        )?;
        expect(created["errors"].is_null(), &format!("sign-up: {created}"))?;
        self.log_in(email, PASSWORD)
    }

    /// The session token from the `Authentication` cookie auth sets.
    fn log_in(&self, email: &str, password: &str) -> Result<String, String> {
        let (cookie, body) = self.auth(
            "mutation($i: LoginInput!) { login(loginInput: $i) { id } }",
            json!({ "i": { "email": email, "password": password } }),
        )?;
        expect(body["errors"].is_null(), &format!("login: {body}"))?;
        cookie
            .and_then(|c| {
                c.split(';')
                    .next()
                    .and_then(|p| p.strip_prefix("Authentication="))
                    .map(str::to_owned)
            })
            .ok_or_else(|| format!("login set no Authentication cookie: {body}"))
    }

    /// A request to the service with the session as a cookie, as a browser sends it, or as a bearer
    /// header, as another service does.
    fn call(&self, session: Session<'_>, query: &str, variables: Value) -> Result<Value, String> {
        let header;
        let headers: Vec<(&str, &str)> = match session {
            Session::Cookie(token) => {
                header = format!("Authentication={token}");
                vec![("Cookie", header.as_str())]
            }
            Session::Bearer(token) => {
                header = format!("Bearer {token}");
                vec![("Authorization", header.as_str())]
            }
            Session::None => vec![],
        };
        let (status, _, body) = post(
            &self.service,
            &headers,
            &json!({ "query": query, "variables": variables }),
        )?;
        expect(
            status == 200,
            &format!("the service answered {status}: {body}"),
        )?;
        Ok(body)
    }
}

#[derive(Clone, Copy)]
enum Session<'a> {
    Cookie(&'a str),
    Bearer(&'a str),
    None,
}

fn expect(holds: bool, otherwise: &str) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        Err(otherwise.to_owned())
    }
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// A value of `field` for the create input, and what the service answers for it.
fn sample(field: &Field) -> (Value, Value) {
    match field.kind {
        Kind::String => (
            json!(format!("  {} value  ", field.camel)),
            json!(format!("{} value", field.camel)),
        ),
        Kind::Int => (json!(-42), json!(-42)),
        Kind::Bool => (json!(true), json!(true)),
        Kind::Timestamp => (
            json!("2026-03-04T05:06:07.891234+02:00"),
            json!("2026-03-04T03:06:07.891Z"),
        ),
    }
}

fn changed(field: &Field) -> (Value, Value) {
    match field.kind {
        Kind::String => (json!("changed"), json!("changed")),
        Kind::Int => (json!(7), json!(7)),
        Kind::Bool => (json!(false), json!(false)),
        Kind::Timestamp => (
            json!("2027-01-01T00:00:00Z"),
            json!("2027-01-01T00:00:00.000Z"),
        ),
    }
}

/// Logs in at auth and uses the session at the generated service for every operation, as two
/// callers; then a revoked session, no session, and auth stopped.
///
/// # Errors
/// The first step that did not go as it must, with what the services answered.
pub fn run(
    auth_binary: &Path,
    service_binary: &Path,
    scratch: &Path,
    spec: &NewService,
) -> Result<(), String> {
    let prefix = spec.name.env_prefix();
    let mut auth = Server::start(
        "auth",
        auth_binary,
        &scratch.join("auth"),
        &[("AUTH_BCRYPT_COST", "4".to_owned())],
    )?;
    let service = Server::start(
        "the generated service",
        service_binary,
        &scratch.join("service"),
        &[(
            &format!("{prefix}AUTH_URL"),
            format!("http://{}", auth.url()),
        )],
    )?;
    let client = Client {
        auth: auth.url(),
        service: service.url(),
    };
    let entity = spec.entity.camel();
    let pascal = spec.entity.pascal();
    let plural = spec.plural.camel();
    let selection: String = spec
        .fields
        .iter()
        .map(|f| format!("{} ", f.camel))
        .collect();
    let selection = format!("id {selection}ownerId createdAt updatedAt");
    let create = format!(
        "mutation($i: Create{pascal}Input!) {{ create{pascal}(input: $i) {{ {selection} }} }}"
    );
    let read = format!("query($id: ID!) {{ {entity}(id: $id) {{ {selection} }} }}");
    let list = format!("{{ {plural} {{ id }} }}");
    let update = format!(
        "mutation($id: ID!, $i: Update{pascal}Input!) {{ update{pascal}(id: $id, input: $i) {{ {selection} }} }}"
    );
    let delete = format!("mutation($id: ID!) {{ delete{pascal}(id: $id) }}");

    say("e2e: sign up and log in two callers at auth");
    let alice = client.sign_up_and_log_in("alice@example.com")?;
    let bob = client.sign_up_and_log_in("bob@example.com")?;

    say(&format!(
        "e2e: create{pascal} with every field, with alice's session cookie"
    ));
    let mut input = serde_json::Map::new();
    let mut expected = serde_json::Map::new();
    for field in &spec.fields {
        let (sent, answered) = sample(field);
        input.insert(field.camel.clone(), sent);
        expected.insert(field.camel.clone(), answered);
    }
    let body = client.call(Session::Cookie(&alice), &create, json!({ "i": input }))?;
    let created = body["data"][format!("create{pascal}")].clone();
    expect(body["errors"].is_null(), &format!("create: {body}"))?;
    for (name, value) in &expected {
        expect(
            created[name] == *value,
            &format!("create: {name} is {} not {value}: {body}", created[name]),
        )?;
    }
    expect(
        created["ownerId"] == "1",
        &format!("the owner is alice, auth's user 1: {body}"),
    )?;
    let id = created["id"].clone();

    say("e2e: read it and list it, with alice's token as a bearer header");
    let body = client.call(Session::Bearer(&alice), &read, json!({ "id": id }))?;
    expect(body["data"][&entity] == created, &format!("read: {body}"))?;
    let body = client.call(Session::Bearer(&alice), &list, json!({}))?;
    expect(
        body["data"][&plural] == json!([{ "id": id }]),
        &format!("list: {body}"),
    )?;

    say(&format!(
        "e2e: update{pascal} with nothing new leaves updatedAt; a change moves it"
    ));
    let body = client.call(
        Session::Bearer(&alice),
        &update,
        json!({ "id": id, "i": input }),
    )?;
    expect(
        body["data"][format!("update{pascal}")] == created,
        &format!("unchanged update: {body}"),
    )?;
    let first = &spec.fields[0];
    let (sent, answered) = changed(first);
    let body = client.call(
        Session::Bearer(&alice),
        &update,
        json!({ "id": id, "i": { first.camel.clone(): sent } }),
    )?;
    let updated = &body["data"][format!("update{pascal}")];
    expect(
        updated[&first.camel] == answered,
        &format!("changed update: {body}"),
    )?;
    expect(
        updated["updatedAt"] != created["updatedAt"],
        &format!("updatedAt moves: {body}"),
    )?;
    expect(
        updated["createdAt"] == created["createdAt"],
        &format!("createdAt stays: {body}"),
    )?;
    if let Some(optional) = spec.fields.iter().find(|f| f.optional) {
        let body = client.call(
            Session::Bearer(&alice),
            &update,
            json!({ "id": id, "i": { optional.camel.clone(): null } }),
        )?;
        expect(
            body["data"][format!("update{pascal}")][&optional.camel].is_null(),
            &format!("null clears: {body}"),
        )?;
    }

    say("e2e: bob can neither see nor change alice's row");
    let body = client.call(Session::Bearer(&bob), &read, json!({ "id": id }))?;
    expect(
        body["errors"].is_null() && body["data"][&entity].is_null(),
        &format!("bob reads: {body}"),
    )?;
    let body = client.call(Session::Bearer(&bob), &list, json!({}))?;
    expect(
        body["data"][&plural] == json!([]),
        &format!("bob lists: {body}"),
    )?;
    let body = client.call(Session::Bearer(&bob), &update, json!({ "id": id, "i": {} }))?;
    expect(code(&body) == "NOT_FOUND", &format!("bob updates: {body}"))?;
    let body = client.call(Session::Bearer(&bob), &delete, json!({ "id": id }))?;
    expect(code(&body) == "NOT_FOUND", &format!("bob deletes: {body}"))?;

    say("e2e: no session, or a made-up one, is UNAUTHENTICATED");
    for session in [Session::None, Session::Bearer("not-a-session")] {
        let body = client.call(session, &list, json!({}))?;
        expect(
            code(&body) == "UNAUTHENTICATED",
            &format!("without a session: {body}"),
        )?;
    }

    say("e2e: alice deletes her row");
    let body = client.call(Session::Bearer(&alice), &delete, json!({ "id": id }))?;
    expect(
        body["data"][format!("delete{pascal}")] == true,
        &format!("delete: {body}"),
    )?;
    let body = client.call(Session::Bearer(&alice), &read, json!({ "id": id }))?;
    expect(
        body["data"][&entity].is_null(),
        &format!("read after delete: {body}"),
    )?;

    say("e2e: a password change at auth revokes alice's session here at once");
    // Auth dates tokens to the second; a change in the login's own second would not revoke it.
    std::thread::sleep(Duration::from_millis(1_100));
    let (_, changed_password) = client.auth(
        "mutation($i: UpsertUserInput!) { upsertUser(upsertUserInput: $i) { id } }",
        json!({ "i": { "email": "alice@example.com", "password": PASSWORD, "newPassword": NEW_PASSWORD } }),
    )?;
    expect(
        changed_password["errors"].is_null(),
        &format!("password change: {changed_password}"),
    )?;
    let body = client.call(Session::Bearer(&alice), &list, json!({}))?;
    expect(
        code(&body) == "UNAUTHENTICATED",
        &format!("the old session: {body}"),
    )?;
    let renewed = client.log_in("alice@example.com", NEW_PASSWORD)?;
    let body = client.call(Session::Bearer(&renewed), &list, json!({}))?;
    expect(
        body["errors"].is_null(),
        &format!("the new session: {body}"),
    )?;

    say("e2e: with auth stopped, operations are UNAVAILABLE");
    let _ = auth.child.kill();
    let _ = auth.child.wait();
    let body = client.call(Session::Bearer(&renewed), &list, json!({}))?;
    expect(
        code(&body) == "UNAVAILABLE",
        &format!("auth stopped: {body}"),
    )?;
    say(&format!("e2e: {} and {} agree", auth.name, service.name));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_off_the_serving_line() {
        assert_eq!(
            served_port(
                "INFO serving GraphQL at http://localhost:41234/graphql addr=0.0.0.0:41234"
            ),
            Some(41234)
        );
        assert_eq!(served_port("INFO migrations applied"), None);
    }

    #[test]
    fn chunked_bodies_are_put_back_together() {
        assert_eq!(dechunk("4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n"), "{\"a\":1}");
    }
}
