//! The domain must stay framework-free; this reads `cargo metadata` and fails if it ever is not.
//!
//! It is an allow-list, not a list of frameworks to avoid: a new dependency has to be added here on
//! purpose, so no async runtime, database driver, web or GraphQL framework, or hashing library slips
//! into the pure rules by way of a convenient crate.

use std::process::Command;

/// Small crates with no framework behind them: dates, and deriving error types.
const ALLOWED: &[&str] = &["chrono", "thiserror"];

#[test]
fn domain_depends_on_no_framework_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let domain = metadata["packages"]
        .as_array()
        .and_then(|packages| {
            packages
                .iter()
                .find(|p| p["name"] == env!("CARGO_PKG_NAME"))
        })
        .expect("the domain package is in the workspace metadata");
    let offending: Vec<&str> = domain["dependencies"]
        .as_array()
        .expect("dependencies array")
        .iter()
        .filter(|d| d["kind"].is_null())
        .filter_map(|d| d["name"].as_str())
        .filter(|name| !ALLOWED.contains(name))
        .collect();
    assert!(
        offending.is_empty(),
        "domain must not depend on {offending:?}: it may use only {ALLOWED:?}, so that no framework \
         (tokio, sqlx, axum, async-graphql, figment, a hashing library…) reaches the pure rules"
    );
}
