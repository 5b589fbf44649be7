//! What every service made from this template shares with it, copied as it is: the generic half of each
//! crate, the packaging tests, and the scripts. There is one source, this repository's own files, so
//! the generated copy cannot drift from it; a unit test keeps them free of anything of auth's.

/// Shared files, by their path in this repository and in the generated service alike.
pub const SHARED: &[&str] = &[
    // domain: ids, the caller, page sizes, the shape of a validation failure.
    "domain/src/caller.rs",
    "domain/src/id.rs",
    "domain/src/page.rs",
    "domain/src/validation.rs",
    "domain/tests/no_framework_deps.rs",
    // application: the generic ports and the session rule.
    "application/src/callers.rs",
    "application/src/ports/mod.rs",
    "application/src/ports/caller_identity.rs",
    "application/src/ports/clock.rs",
    "application/src/ports/repository_error.rs",
    // adapters: both stores with their deadline, GraphQL over HTTP with its guards and codes.
    "adapters/src/clock.rs",
    "adapters/src/deadline.rs",
    "adapters/src/graphql/mod.rs",
    "adapters/src/graphql/caller.rs",
    "adapters/src/graphql/errors.rs",
    "adapters/src/graphql/guards.rs",
    "adapters/src/graphql/scalars.rs",
    "adapters/src/graphql/schema.rs",
    "adapters/src/http/mod.rs",
    "adapters/src/http/body.rs",
    "adapters/src/http/client_address.rs",
    "adapters/src/http/credentials.rs",
    "adapters/src/http/graphiql/mod.rs",
    "adapters/src/http/graphiql/page.css",
    "adapters/src/http/graphiql/page.html",
    "adapters/src/http/graphiql/start.js",
    "adapters/src/http/graphiql/assets/README.md",
    "adapters/src/http/graphql_handler.rs",
    "adapters/src/http/health.rs",
    "adapters/src/http/media_type.rs",
    "adapters/src/http/operation_metrics.rs",
    "adapters/src/http/problem.rs",
    "adapters/src/http/request_id.rs",
    "adapters/src/http/server.rs",
    "adapters/src/http/tests.rs",
    "adapters/src/http/trace_context.rs",
    "adapters/src/pool_usage.rs",
    "adapters/src/postgres/mod.rs",
    "adapters/src/postgres/errors.rs",
    "adapters/src/postgres/pool.rs",
    "adapters/src/postgres/store.rs",
    "adapters/src/postgres/testing.rs",
    "adapters/src/sqlite/mod.rs",
    "adapters/src/sqlite/errors.rs",
    "adapters/src/sqlite/store.rs",
    "adapters/src/sqlite/testing.rs",
    // bootstrap: configuration, telemetry, the store, start-up and graceful shutdown, the CLI.
    "bootstrap/src/cli.rs",
    "bootstrap/src/duration.rs",
    "bootstrap/src/lib.rs",
    "bootstrap/src/metrics.rs",
    "bootstrap/src/main.rs",
    "bootstrap/src/postgres_prepare.rs",
    "bootstrap/src/settings/mod.rs",
    "bootstrap/src/settings/messages.rs",
    "bootstrap/src/settings/sections.rs",
    "bootstrap/src/settings/tests.rs",
    "bootstrap/src/startup.rs",
    "bootstrap/src/store.rs",
    "bootstrap/src/telemetry.rs",
    "bootstrap/tests/packaging/main.rs",
    "bootstrap/tests/packaging/compose.rs",
    "bootstrap/tests/packaging/compose_model.rs",
    "bootstrap/tests/packaging/dockerfile.rs",
    "bootstrap/tests/packaging/dockerfile_model.rs",
    "bootstrap/tests/packaging/dockerignore.rs",
    "bootstrap/tests/packaging/interpolation.rs",
    "bootstrap/tests/packaging/settings_docs.rs",
    "bootstrap/tests/packaging/support.rs",
    "bootstrap/tests/packaging/versions.rs",
    // Packaging and scripts.
    "docker/postgres/create-multiple-dbs.sh",
    "scripts/lint-packaging",
    "scripts/test",
    "scripts/test-postgres",
];

/// Third-party files every service serves as they are, copied with the shared files: GraphiQL and
/// React, as their npm packages publish them, with their licences. They are not ours to edit, so they
/// are not held to [`AUTH_WORDS`] (React's list of input types has an `email` in it); what they are and
/// where they come from is in `adapters/src/http/graphiql/assets/README.md`.
pub const VENDORED: &[&str] = &[
    "adapters/src/http/graphiql/assets/graphiql.min.css",
    "adapters/src/http/graphiql/assets/graphiql.min.js",
    "adapters/src/http/graphiql/assets/react.production.min.js",
    "adapters/src/http/graphiql/assets/react-dom.production.min.js",
    "adapters/src/http/graphiql/assets/LICENSE-graphiql",
    "adapters/src/http/graphiql/assets/LICENSE-react",
    "adapters/src/http/graphiql/assets/LICENSE-react-dom",
];

/// Words that belong to the auth service's own module, not to the plumbing every service shares:
/// its users, their passwords and hashes, the lockout, and minting tokens. Matched as whole words,
/// case-sensitively, so that a PostgreSQL user or password (`POSTGRES_PASSWORD`) and a Dockerfile's
/// `USER` are not taken for them.
pub const AUTH_WORDS: &[&str] = &[
    "User",
    "Users",
    "users",
    "UserId",
    "Email",
    "email",
    "emails",
    "Password",
    "Passwords",
    "PasswordHash",
    "password_hash",
    "newPassword",
    "bcrypt",
    "Bcrypt",
    "lockout",
    "Lockout",
    "LoginAttempts",
    "login_attempts",
    "login",
    "Login",
    "logout",
    "upsert",
    "upsertUser",
    "UpsertUser",
    "jwt",
    "Jwt",
    "JWT",
    "jsonwebtoken",
    "SessionTokens",
    "IssuedToken",
    "TokenClaims",
];

/// Every place `text` names the auth service's own module or settings, as `word` or `line: word`.
pub fn auth_residue(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for word in words(line) {
            if AUTH_WORDS.contains(&word) {
                found.push(format!("line {}: `{word}`", number + 1));
            }
        }
        if line.contains("jobber-auth") {
            found.push(format!("line {}: `jobber-auth`", number + 1));
        }
        let bytes = line.as_bytes();
        for (at, _) in line.match_indices("AUTH_") {
            let starts_word = at == 0 || !is_word_byte(bytes[at - 1]);
            if starts_word {
                found.push(format!("line {}: an `AUTH_` key", number + 1));
            }
        }
    }
    found
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo_root;

    #[test]
    fn every_shared_file_exists_and_holds_nothing_of_auth() {
        let root = repo_root();
        let mut problems = Vec::new();
        for path in SHARED {
            match std::fs::read_to_string(root.join(path)) {
                Ok(text) => {
                    for residue in auth_residue(&text) {
                        problems.push(format!("{path}: {residue}"));
                    }
                }
                Err(e) => problems.push(format!("{path}: cannot be read: {e}")),
            }
        }
        assert!(
            problems.is_empty(),
            "shared files are copied into every generated service as they are, so they must not \
             name the auth service's own module or keys:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn every_vendored_file_exists_and_is_no_code_of_ours() {
        let root = repo_root();
        for path in VENDORED {
            assert!(root.join(path).is_file(), "{path} is missing");
            let extension = std::path::Path::new(path).extension();
            assert!(
                extension.is_none_or(|e| e == "js" || e == "css"),
                "{path}: only scripts, styles and licences are vendored"
            );
            assert!(!SHARED.contains(path), "{path} is both shared and vendored");
        }
    }

    /// The HTTP surface is shared whole: a file added under it and not listed here would be missing
    /// from every generated service, which would then not build.
    #[test]
    fn every_file_of_the_http_adapter_is_shared_or_vendored() {
        fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("a readable directory") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    walk(&path, found);
                } else {
                    found.push(path);
                }
            }
        }
        let root = repo_root();
        let mut found = Vec::new();
        walk(&root.join("adapters/src/http"), &mut found);
        let missing: Vec<String> = found
            .iter()
            .map(|path| {
                let relative = path.strip_prefix(&root).expect("under the root");
                relative.to_string_lossy().into_owned()
            })
            .filter(|path| !SHARED.contains(&path.as_str()) && !VENDORED.contains(&path.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "neither shared nor vendored: {missing:?}"
        );
    }

    #[test]
    fn residue_is_found_by_whole_word_and_generic_words_are_not() {
        assert_eq!(auth_residue("let users = 1;").len(), 1);
        assert_eq!(auth_residue("AUTH_JWT_SECRET=x").len(), 1, "the key");
        assert_eq!(auth_residue("verify the JWT").len(), 1);
        assert!(auth_residue("SCHEDULER_AUTH_URL=http://auth:3000").is_empty());
        assert!(
            auth_residue("POSTGRES_PASSWORD: postgres; USER 65532; a postgres user").is_empty()
        );
        assert!(auth_residue("BAD_USER_INPUT").is_empty());
        assert_eq!(auth_residue("image: jobber-auth:local").len(), 1);
    }
}
