//! Just enough of the compose file format to read what the checks need, in every syntax compose
//! accepts for it, so that rewriting the file in another equivalent form does not fail the suite.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_norway::Value as Yaml;

use crate::interpolation::interpolate;
use crate::support::{COMPOSE, DOCKERFILE, parse_yaml, sequence};

pub const POSTGRES_SERVICE: &str = "postgres";
/// The service under test, as the compose file names it.
pub const SERVICE: &str = bootstrap::service::NAME;

pub fn compose() -> Yaml {
    parse_yaml(COMPOSE)
}

pub fn service<'a>(compose: &'a Yaml, name: &str) -> &'a Yaml {
    compose
        .get("services")
        .and_then(|s| s.get(name))
        .unwrap_or_else(|| panic!("{COMPOSE}: no `services.{name}`"))
}

pub fn top_level_volumes(compose: &Yaml) -> BTreeSet<String> {
    compose
        .get("volumes")
        .and_then(Yaml::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn multiple_databases(compose: &Yaml) -> Vec<String> {
    environment(service(compose, POSTGRES_SERVICE))
        .get("POSTGRES_MULTIPLE_DATABASES")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub fn is_disabled_healthcheck(test: &Yaml) -> bool {
    let first = match test {
        Yaml::Sequence(items) => items.first().and_then(Yaml::as_str),
        other => other.as_str(),
    };
    matches!(first, None | Some("NONE" | ""))
}

/// A service's `environment:`, in either the mapping or the `KEY=VALUE` list form, with `${…}`
/// resolved to the defaults the file ships with. Keys without a value are passed through from the
/// caller's shell, which a test has no business reading, so they are left out.
pub fn environment(service: &Yaml) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    match service.get("environment") {
        Some(Yaml::Mapping(map)) => {
            for (key, value) in map {
                let key = scalar(key).unwrap_or_default();
                if let Some(value) = scalar(value) {
                    env.insert(key, resolve(&value));
                }
            }
        }
        Some(Yaml::Sequence(items)) => {
            for item in items.iter().filter_map(Yaml::as_str) {
                if let Some((key, value)) = item.split_once('=') {
                    env.insert(key.to_owned(), resolve(value));
                }
            }
        }
        _ => {}
    }
    env
}

fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn resolve(raw: &str) -> String {
    interpolate(raw).value
}

#[derive(Debug)]
pub struct Mount {
    pub source: String,
    pub target: String,
}

impl Mount {
    /// Compose reads a source that is not a path as the name of a volume.
    pub fn is_named_volume(&self) -> bool {
        !self.source.is_empty() && !self.source.starts_with(['.', '/', '~', '$'])
    }
}

/// A service's `volumes:`, short (`SRC:TARGET[:MODE]`) or long (`{source, target}`) syntax.
pub fn mounts(service: &Yaml) -> Vec<Mount> {
    sequence(service, "volumes")
        .filter_map(|item| match item {
            Yaml::String(short) => {
                let short = resolve(short);
                let mut parts = short.splitn(3, ':');
                let source = parts.next()?.to_owned();
                let target = parts.next()?.to_owned();
                Some(Mount { source, target })
            }
            Yaml::Mapping(_) => Some(Mount {
                source: item.get("source").and_then(Yaml::as_str).map(resolve)?,
                target: item.get("target").and_then(Yaml::as_str).map(resolve)?,
            }),
            _ => None,
        })
        .collect()
}

/// The container ports a service publishes, from `[IP:][HOST:]CONTAINER[/PROTO]` strings or from
/// long-syntax `target:` entries.
pub fn container_ports(service: &Yaml) -> Vec<u16> {
    sequence(service, "ports")
        .filter_map(|item| match item {
            Yaml::Mapping(_) => item.get("target").and_then(Yaml::as_u64),
            other => {
                let short = resolve(&scalar(other)?);
                let container = short.rsplit(':').next()?;
                container.split('/').next()?.parse().ok()
            }
        })
        .filter_map(|port| u16::try_from(port).ok())
        .collect()
}

/// The Dockerfile a service's `build:` uses, relative to the repository root.
pub fn build_dockerfile(service: &Yaml) -> Option<PathBuf> {
    let build = service.get("build")?;
    let (context, dockerfile) = match build {
        Yaml::String(context) => (context.as_str(), DOCKERFILE),
        other => (
            other.get("context").and_then(Yaml::as_str).unwrap_or("."),
            other
                .get("dockerfile")
                .and_then(Yaml::as_str)
                .unwrap_or(DOCKERFILE),
        ),
    };
    Some(Path::new(context).join(dockerfile))
}

pub fn visit_strings(yaml: &Yaml, visit: &mut impl FnMut(&str)) {
    match yaml {
        Yaml::String(s) => visit(s),
        Yaml::Sequence(items) => items.iter().for_each(|i| visit_strings(i, visit)),
        Yaml::Mapping(map) => map.values().for_each(|v| visit_strings(v, visit)),
        Yaml::Tagged(tagged) => visit_strings(&tagged.value, visit),
        _ => {}
    }
}

pub struct PostgresUrl {
    pub user: String,
    pub password: String,
    pub host: String,
    pub database: String,
}

impl PostgresUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"))
            .ok_or("not a postgres:// or postgresql:// URL")?;
        let (authority, path) = rest.split_once('/').ok_or("no /database in the URL")?;
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let host = hostport.split(':').next().unwrap_or_default();
        let database = path.split('?').next().unwrap_or_default();
        Ok(Self {
            user: user.to_owned(),
            password: password.to_owned(),
            host: host.to_owned(),
            database: database.to_owned(),
        })
    }
}
