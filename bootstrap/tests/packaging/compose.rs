//! docker-compose.yml: the services start in order, keep their data, and hand the service an
//! environment its configuration loader accepts.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;

use bootstrap::settings::env_name;
use serde_norway::Value as Yaml;

use crate::compose_model::{
    Mount, POSTGRES_SERVICE, PostgresUrl, SERVICE, build_dockerfile, compose, container_ports,
    environment, is_disabled_healthcheck, mounts, multiple_databases, service, top_level_volumes,
    visit_strings,
};
use crate::dockerfile_model::dockerfile_model;
use crate::interpolation::interpolate;
use crate::support::{COMPOSE, DOCKERFILE, load_settings, root};

const DATABASE: &str = bootstrap::service::DATABASE_NAME;
const INITDB_DIR: &str = "/docker-entrypoint-initdb.d/";
/// The service reads `PORT` and every variable with its prefix, and refuses the prefixed ones it does
/// not know.
const APP_ENV_PREFIX: &str = bootstrap::service::ENV_PREFIX;

#[test]
fn postgres_service_is_healthchecked_persistent_and_creates_the_services_database() {
    let compose = compose();
    let postgres = service(&compose, POSTGRES_SERVICE);

    let healthcheck = postgres.get("healthcheck");
    let test = healthcheck.and_then(|h| h.get("test"));
    assert!(
        test.is_some_and(|t| !is_disabled_healthcheck(t)),
        "{COMPOSE}: services.{POSTGRES_SERVICE}.healthcheck.test is missing or disabled; \
         {SERVICE} waits for `service_healthy`, which never comes without one"
    );

    let declared = top_level_volumes(&compose);
    let named: Vec<Mount> = mounts(postgres)
        .into_iter()
        .filter(|m| m.is_named_volume())
        .collect();
    assert!(
        named
            .iter()
            .any(|m| m.target.starts_with("/var/lib/postgresql")),
        "{COMPOSE}: services.{POSTGRES_SERVICE}.volumes has no named volume under \
         /var/lib/postgresql, so the data is lost with the container (found {named:?})"
    );
    for mount in &named {
        assert!(
            declared.contains(&mount.source),
            "{COMPOSE}: services.{POSTGRES_SERVICE} mounts the named volume `{}`, which is not \
             declared under the top-level `volumes:` (declared: {declared:?})",
            mount.source
        );
    }

    let databases = multiple_databases(&compose);
    assert!(
        databases.iter().any(|d| d == DATABASE),
        "{COMPOSE}: services.{POSTGRES_SERVICE}.environment.POSTGRES_MULTIPLE_DATABASES resolves \
         to {databases:?}, which lacks `{DATABASE}`"
    );
}

#[test]
fn postgres_init_script_exists_is_executable_and_has_a_shebang() {
    let compose = compose();
    let postgres = service(&compose, POSTGRES_SERVICE);
    let scripts: Vec<Mount> = mounts(postgres)
        .into_iter()
        .filter(|m| m.target.starts_with(INITDB_DIR))
        .collect();
    assert!(
        !scripts.is_empty(),
        "{COMPOSE}: services.{POSTGRES_SERVICE}.volumes mounts nothing into {INITDB_DIR}, so \
         POSTGRES_MULTIPLE_DATABASES is never acted on"
    );
    for script in scripts {
        let path = root().join(&script.source);
        let where_ = format!(
            "{COMPOSE}: services.{POSTGRES_SERVICE} mounts `{}` at {}",
            script.source, script.target
        );
        let metadata = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{where_}, but {} cannot be read: {e}", path.display()));
        assert!(metadata.is_file(), "{where_}, but it is not a file");
        let mode = metadata.permissions().mode();
        // The image runs the script as its own postgres user, who owns no file on the host; and a
        // script without the x bit is sourced into the entrypoint instead of run.
        assert!(
            mode & 0o105 == 0o105,
            "{where_}, but its mode is {:o}: it must be executable by its owner and readable and \
             executable by others (chmod 755)",
            mode & 0o7777
        );
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text.starts_with("#!"),
            "{where_}, but its first line is not a shebang: {:?}",
            text.lines().next().unwrap_or_default()
        );
    }
}

#[test]
fn the_service_is_built_from_the_dockerfile_and_waits_for_a_healthy_postgres() {
    let compose = compose();
    let app = service(&compose, SERVICE);

    let dockerfile = build_dockerfile(app).unwrap_or_else(|| {
        panic!("{COMPOSE}: services.{SERVICE} has no `build:`, so it is not built from the repo")
    });
    assert!(
        root().join(&dockerfile).is_file(),
        "{COMPOSE}: services.{SERVICE}.build names `{}`, which does not exist",
        dockerfile.display()
    );

    let condition = app
        .get("depends_on")
        .and_then(|d| d.get(POSTGRES_SERVICE))
        .and_then(|p| p.get("condition"))
        .and_then(Yaml::as_str);
    assert_eq!(
        condition,
        Some("service_healthy"),
        "{COMPOSE}: services.{SERVICE}.depends_on.{POSTGRES_SERVICE}.condition must be \
         `service_healthy`, or the service starts before PostgreSQL accepts connections"
    );

    let exposed = dockerfile_model().exposed_port();
    let published = container_ports(app);
    assert!(
        published.contains(&exposed),
        "{COMPOSE}: services.{SERVICE}.ports publishes container ports {published:?}, not \
         {exposed}, the port the {DOCKERFILE} EXPOSEs"
    );
}

#[test]
fn the_service_environment_is_accepted_by_the_configuration_loader() {
    let compose = compose();
    let app = service(&compose, SERVICE);
    // What the container sees: the image's ENV, overridden by compose's `environment:`.
    let mut env = dockerfile_model().runtime_env();
    env.extend(environment(app));

    let settings = load_settings(&env).unwrap_or_else(|e| {
        panic!(
            "{COMPOSE}: the environment of services.{SERVICE} (with the {DOCKERFILE}'s ENV) \
             is refused by the configuration loader: {e}\n  environment: {env:?}"
        )
    });
    let published = container_ports(app);
    assert!(
        published.contains(&settings.server.port),
        "{COMPOSE}: services.{SERVICE} listens on port {} (PORT) but publishes container \
         ports {published:?}",
        settings.server.port
    );
}

#[test]
fn the_database_url_points_at_the_postgres_service_and_the_services_database() {
    let compose = compose();
    let app_env = environment(service(&compose, SERVICE));
    let url_var = env_name("database_url");
    let postgres_env = environment(service(&compose, POSTGRES_SERVICE));
    let raw = app_env.get(&url_var).unwrap_or_else(|| {
        panic!(
            "{COMPOSE}: services.{SERVICE}.environment has no {url_var}, so the service would \
             use its embedded SQLite instead of the {POSTGRES_SERVICE} service"
        )
    });
    let url = PostgresUrl::parse(raw).unwrap_or_else(|e| {
        panic!("{COMPOSE}: services.{SERVICE}.environment.{url_var} `{raw}`: {e}")
    });
    let where_ = format!("{COMPOSE}: services.{SERVICE}.environment.{url_var} `{raw}`");

    assert_eq!(
        url.host, POSTGRES_SERVICE,
        "{where_}: the host must be the `{POSTGRES_SERVICE}` service"
    );
    assert_eq!(
        url.database, DATABASE,
        "{where_}: the database must be `{DATABASE}`"
    );
    let databases = multiple_databases(&compose);
    assert!(
        databases.contains(&url.database),
        "{where_}: the database `{}` is not in POSTGRES_MULTIPLE_DATABASES {databases:?}",
        url.database
    );
    for (key, part) in [
        ("POSTGRES_USER", &url.user),
        ("POSTGRES_PASSWORD", &url.password),
    ] {
        let expected = postgres_env
            .get(key)
            .map(String::as_str)
            .unwrap_or_default();
        assert_eq!(
            part, expected,
            "{where_}: its credentials must be {POSTGRES_SERVICE}'s {key}"
        );
    }
}

/// `.env` next to docker-compose.yml feeds compose's `${…}` and is also read by the service, which
/// refuses unknown keys with its prefix: a compose-only knob with that prefix would stop `cargo run`.
#[test]
fn compose_variables_with_the_app_prefix_are_app_settings() {
    let compose = compose();
    let app_keys: BTreeSet<String> = environment(service(&compose, SERVICE))
        .into_keys()
        .collect();
    let mut variables = BTreeSet::new();
    visit_strings(&compose, &mut |s| {
        variables.extend(interpolate(s).variables)
    });
    let stray: Vec<&String> = variables
        .iter()
        .filter(|v| v.starts_with(APP_ENV_PREFIX) && !app_keys.contains(*v))
        .collect();
    assert!(
        stray.is_empty(),
        "{COMPOSE}: the variables {stray:?} carry the service's {APP_ENV_PREFIX} prefix but are not keys of \
         services.{SERVICE}.environment; set in the shell or .env for compose, the service \
         would refuse them as unknown settings. Rename them"
    );
}
