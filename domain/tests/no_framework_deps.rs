//! The domain must stay framework-free; this reads `cargo metadata` and fails if it ever is not.

use std::process::Command;

const BANNED: &[&str] = &[
    "tokio",
    "sqlx",
    "axum",
    "async-graphql",
    "bcrypt",
    "figment",
    "hyper",
    "tower",
    "tower-http",
    "mockall",
];

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
        .filter(|name| BANNED.contains(name))
        .collect();
    assert!(
        offending.is_empty(),
        "domain must not depend on {offending:?}"
    );
}
