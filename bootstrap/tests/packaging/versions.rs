//! The Rust version: the one Cargo.toml promises is the one the image and CI build with, and it
//! builds every locked dependency.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use figment::Figment;
use figment::providers::{Format, Toml};
use serde_norway::Value as Yaml;

use crate::dockerfile_model::dockerfile_model;
use crate::support::{CI_WORKFLOW, DOCKERFILE, env_lock, parse_yaml, root, sequence};

#[test]
fn rust_version_is_the_same_in_cargo_toml_dockerfile_and_ci() {
    let msrv = workspace_rust_version();
    let docker = dockerfile_model()
        .global_arg("RUST_VERSION")
        .unwrap_or_else(|| panic!("{DOCKERFILE}: no `ARG RUST_VERSION=…` before the first FROM"));
    assert_eq!(
        docker, msrv,
        "{DOCKERFILE}: ARG RUST_VERSION is {docker} but Cargo.toml's workspace rust-version is \
         {msrv}; the image must build with the toolchain the workspace promises"
    );
    if let Some(ci) = ci_msrv_toolchain() {
        assert_eq!(
            ci, msrv,
            "{CI_WORKFLOW}: the msrv job installs Rust {ci} but Cargo.toml's workspace \
             rust-version is {msrv}"
        );
    }
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_the_workspace_rust_version() {
    let msrv = workspace_rust_version();
    let msrv_key = version_key(&msrv);
    let _env = env_lock();
    let host = cargo_host();
    let metadata = cargo_metadata(&host);

    let mut too_new: Vec<(Vec<u64>, String)> = used_packages(&metadata)
        .into_iter()
        .filter_map(|package| {
            let needs = package["rust_version"].as_str()?;
            let key = version_key(needs);
            (key > msrv_key).then(|| {
                let name = package["name"].as_str().unwrap_or("?");
                let version = package["version"].as_str().unwrap_or("?");
                (key, format!("{name} {version} needs {needs}"))
            })
        })
        .collect();
    too_new.sort();
    let list: Vec<&str> = too_new.iter().rev().map(|(_, s)| s.as_str()).collect();
    assert!(
        list.is_empty(),
        "Cargo.lock: with workspace rust-version {msrv}, these dependencies used on {host} \
         declare a newer rust-version: [{}]. Raise rust-version (with ARG RUST_VERSION in the \
         {DOCKERFILE} and the msrv job in {CI_WORKFLOW}) or lock older versions \
         (`cargo update -p NAME --precise VERSION`)",
        list.join("; ")
    );
}

fn workspace_rust_version() -> String {
    Figment::from(Toml::file(root().join("Cargo.toml")))
        .extract_inner::<String>("workspace.package.rust-version")
        .unwrap_or_else(|e| panic!("Cargo.toml: no usable [workspace.package] rust-version: {e}"))
}

/// The toolchain the workflow's msrv job installs, if it has one.
fn ci_msrv_toolchain() -> Option<String> {
    let workflow = parse_yaml(CI_WORKFLOW);
    let jobs = workflow.get("jobs").and_then(Yaml::as_mapping)?;
    let (name, job) = jobs
        .iter()
        .find(|(name, _)| name.as_str().is_some_and(|n| n.contains("msrv")))?;
    let name = name.as_str().unwrap_or_default();
    let toolchain = sequence(job, "steps")
        .filter_map(|step| {
            let uses = step.get("uses")?.as_str()?;
            let reference = uses.strip_prefix("dtolnay/rust-toolchain@")?;
            let explicit = step.get("with").and_then(|w| w.get("toolchain"));
            match explicit {
                Some(Yaml::String(s)) => Some(s.clone()),
                Some(other) => panic!(
                    "{CI_WORKFLOW}: jobs.{name}: quote the toolchain (`\"1.80\"`), YAML reads \
                     {other:?} as a number"
                ),
                None => Some(reference.to_owned()),
            }
        })
        .next();
    Some(toolchain.unwrap_or_else(|| {
        panic!("{CI_WORKFLOW}: jobs.{name} installs no toolchain with dtolnay/rust-toolchain")
    }))
}

fn cargo(args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `cargo {}`: {e}", args.join(" ")));
    assert!(
        output.status.success(),
        "`cargo {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn cargo_host() -> String {
    let version = String::from_utf8(cargo(&["-vV"])).unwrap_or_default();
    version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("`cargo -vV` names no host:\n{version}"))
}

fn cargo_metadata(host: &str) -> serde_json::Value {
    let stdout = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--filter-platform",
        host,
    ]);
    serde_json::from_slice(&stdout).expect("cargo metadata prints JSON")
}

/// The packages reachable from the workspace members over the resolved graph, which cargo has
/// already cut down to the normal, build and (for members only) dev edges live on `host`.
fn used_packages(metadata: &serde_json::Value) -> Vec<&serde_json::Value> {
    let packages: HashMap<&str, &serde_json::Value> = array(&metadata["packages"])
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let edges: HashMap<&str, Vec<&str>> = array(&metadata["resolve"]["nodes"])
        .filter_map(|node| {
            let deps = node["deps"].as_array()?;
            let ids = deps.iter().filter_map(|d| d["pkg"].as_str()).collect();
            Some((node["id"].as_str()?, ids))
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = array(&metadata["workspace_members"])
        .filter_map(serde_json::Value::as_str)
        .collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(edges.get(id).into_iter().flatten());
        }
    }
    seen.into_iter()
        .filter_map(|id| packages.get(id).copied())
        .collect()
}

/// `1.88` and `1.88.0` compare equal.
fn version_key(version: &str) -> Vec<u64> {
    let mut key: Vec<u64> = version
        .split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    key.resize(3, 0);
    key
}

fn array(value: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    value.as_array().into_iter().flatten()
}
