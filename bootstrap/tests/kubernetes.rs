//! deploy/kubernetes: every overlay, rendered by kubectl's built-in kustomize as `kubectl apply -k`
//! would, holds the pieces a production rollout needs, locked down, with an environment the
//! service's real configuration loader accepts. Schema validation is `scripts/lint-packaging`'s.
//!
//! A test target of its own, beside the packaging tests rather than among them: those are shared with
//! every generated service, which has no manifests.

// The packaging tests' loader and paths; this target uses a part of them.
#[allow(dead_code)]
#[path = "packaging/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::process::Command;

use serde::Deserialize;
use serde_norway::Value as Yaml;

use support::{load_settings, root};

const OVERLAYS: &[&str] = &["development", "production"];
/// What a secretKeyRef stands for when the environment is fed to the loader.
const SECRET_VALUES: &[(&str, &str)] = &[
    ("database-url", "postgres://auth:secret@db:5432/auth"),
    ("jwt-secret", "0123456789abcdef0123456789abcdef"),
];

fn render(overlay: &str) -> Vec<Yaml> {
    let dir = root().join("deploy/kubernetes/overlays").join(overlay);
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "kubectl is needed to render {}: {e}. Install it (it carries kustomize), e.g. from \
                 https://kubernetes.io/docs/tasks/tools/",
                dir.display()
            )
        });
    assert!(
        output.status.success(),
        "kubectl kustomize {overlay}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    serde_norway::Deserializer::from_str(&text)
        .map(|document| Yaml::deserialize(document).expect("a YAML document"))
        .collect()
}

fn of_kind<'a>(resources: &'a [Yaml], kind: &str) -> &'a Yaml {
    resources
        .iter()
        .find(|r| r["kind"].as_str() == Some(kind))
        .unwrap_or_else(|| panic!("no {kind} rendered"))
}

fn pod_spec(workload: &Yaml) -> &Yaml {
    &workload["spec"]["template"]["spec"]
}

/// Each container's environment as the loader would see it, secrets filled with stand-ins.
fn environment(container: &Yaml) -> BTreeMap<String, String> {
    let secrets: BTreeMap<&str, &str> = SECRET_VALUES.iter().copied().collect();
    container["env"]
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|entry| {
            let name = entry["name"].as_str().expect("a name").to_owned();
            let value = match entry["value"].as_str() {
                Some(value) => value.to_owned(),
                None => {
                    let key = entry["valueFrom"]["secretKeyRef"]["key"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{name}: neither a value nor a secretKeyRef"));
                    secrets
                        .get(key)
                        .unwrap_or_else(|| panic!("{name}: unknown secret key {key}"))
                        .to_string()
                }
            };
            (name, value)
        })
        .collect()
}

fn assert_locked_down(what: &str, pod: &Yaml) {
    assert_eq!(
        pod["securityContext"]["runAsNonRoot"],
        Yaml::Bool(true),
        "{what}"
    );
    for container in pod["containers"].as_sequence().expect("containers") {
        let context = &container["securityContext"];
        assert_eq!(
            context["readOnlyRootFilesystem"],
            Yaml::Bool(true),
            "{what}"
        );
        assert_eq!(
            context["allowPrivilegeEscalation"],
            Yaml::Bool(false),
            "{what}"
        );
        assert_eq!(
            context["capabilities"]["drop"],
            serde_norway::from_str::<Yaml>("[ALL]").expect("yaml"),
            "{what}"
        );
        for bound in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                assert!(
                    container["resources"][bound][resource].as_str().is_some(),
                    "{what}: no resources.{bound}.{resource}"
                );
            }
        }
        let env = environment(container);
        assert!(
            !env.contains_key("DATABASE_URL"),
            "{what}: the service refuses a bare DATABASE_URL"
        );
        for secret in ["AUTH_DATABASE_URL", "AUTH_JWT_SECRET"] {
            assert!(env.contains_key(secret), "{what}: no {secret}");
        }
        load_settings(&env)
            .unwrap_or_else(|e| panic!("{what}: the loader refuses its environment: {e}"));
    }
}

#[test]
fn every_overlay_renders_a_locked_down_deployment_its_migration_job_and_their_neighbours() {
    for overlay in OVERLAYS {
        let resources = render(overlay);
        for kind in ["Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"] {
            of_kind(&resources, kind);
        }
        let deployment = of_kind(&resources, "Deployment");
        let pod = pod_spec(deployment);
        assert_locked_down(&format!("{overlay}: Deployment"), pod);
        let server = &pod["containers"][0];
        assert_eq!(
            server["livenessProbe"]["httpGet"]["path"].as_str(),
            Some("/api/health")
        );
        assert_eq!(
            server["readinessProbe"]["httpGet"]["path"].as_str(),
            Some("/api/ready")
        );
        let env = environment(server);
        assert_eq!(
            env.get("AUTH_RUN_MIGRATIONS").map(String::as_str),
            Some("false"),
            "{overlay}"
        );
        // Kubernetes kills at its grace; the service's own must end before that.
        let shutdown_ms: u64 = env["AUTH_SHUTDOWN_GRACE_MS"].parse().expect("a number");
        let kill_after_ms = pod["terminationGracePeriodSeconds"].as_u64().expect("set") * 1000;
        assert!(
            shutdown_ms < kill_after_ms,
            "{overlay}: AUTH_SHUTDOWN_GRACE_MS {shutdown_ms} is not within terminationGracePeriodSeconds"
        );

        let job = of_kind(&resources, "Job");
        assert_locked_down(&format!("{overlay}: Job"), pod_spec(job));
        assert_eq!(
            pod_spec(job)["containers"][0]["args"],
            serde_norway::from_str::<Yaml>("[migrate]").expect("yaml"),
            "{overlay}: the Job runs `auth migrate`"
        );
    }
}

#[test]
fn production_runs_three_replicas_and_ships_no_secret() {
    let resources = render("production");
    assert_eq!(
        of_kind(&resources, "Deployment")["spec"]["replicas"].as_u64(),
        Some(3)
    );
    assert!(
        resources
            .iter()
            .all(|r| r["kind"].as_str() != Some("Secret")),
        "the production overlay must not carry a Secret"
    );
}
