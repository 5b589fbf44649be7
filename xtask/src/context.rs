//! What the templates see: the service, the entity and its fields, spelled every way they need, with the
//! facts about the fields that decide which code (and which imports) a template writes.

use serde::Serialize;

use crate::args::NewService;
use crate::fields::{Field, Kind};
use crate::names::Pascal;

/// The port a generated service listens on by default: not the auth service's 3000, so both run side
/// by side with `cargo run`.
pub const DEFAULT_PORT: u16 = 3001;
/// Where the auth service listens by default, and so where a generated service asks it.
pub const AUTH_PORT: u16 = 3000;

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// `job-runner`: the binary, the compose service.
    pub name: String,
    /// `job_runner`: the PostgreSQL database.
    pub snake: String,
    /// `JOB_RUNNER_`
    pub prefix: String,
    /// `Job Runner`
    pub title: String,
    /// `jobber-job-runner`: every package's prefix, the pool's `application_name`.
    pub package: String,
    pub port: u16,
    pub auth_port: u16,
    pub entity: Spellings,
    pub plural: Spellings,
    pub fields: Vec<FieldContext>,
    pub string_fields: Vec<FieldContext>,
    pub required_fields: Vec<FieldContext>,
    pub optional_fields: Vec<FieldContext>,
    pub timestamp_fields: Vec<FieldContext>,
    /// Fields of GraphQL's built-in scalars: every kind but `timestamp`.
    pub plain_fields: Vec<FieldContext>,
    pub has: Has,
    /// What `domain/src/<plural>/drafts.rs` takes from `crate::fields`.
    pub draft_imports: Vec<&'static str>,
    /// `20261202000001`: the first migration's version.
    pub migration_version: String,
    /// The SDL's type definitions by name, in the order async-graphql prints them.
    pub sdl_types: Vec<String>,
    /// What async-graphql prints after the types (see `assemble::sdl_directives`).
    pub sdl_directives: String,
    /// The workspace's `rust-version`, which the CI workflow's msrv job installs.
    pub rust_version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Spellings {
    pub pascal: String,
    pub camel: String,
    pub snake: String,
    pub prose: String,
}

impl From<&Pascal> for Spellings {
    fn from(name: &Pascal) -> Self {
        Self {
            pascal: name.pascal(),
            camel: name.camel(),
            snake: name.snake(),
            prose: name.prose(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldContext {
    #[serde(flatten)]
    pub field: Field,
    /// Whether `createX` can refuse it: text and timestamps are parsed by rules.
    pub breaks_on_create: bool,
    /// Whether `updateX` can refuse it: as for create, and a required field cannot be cleared.
    pub breaks_on_update: bool,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each flag is one independent fact the templates test"
)]
pub struct Has {
    pub string: bool,
    pub int: bool,
    pub bool: bool,
    pub timestamp: bool,
    pub optional: bool,
    pub required: bool,
    /// Optional text or timestamps, which the domain parses.
    pub optional_parsed: bool,
    pub required_parsed: bool,
    /// Required ints or booleans, which need no parsing but cannot be cleared.
    pub required_plain: bool,
    pub create_breakable: bool,
    pub update_breakable: bool,
}

pub fn build(spec: &NewService, today: &str) -> Context {
    let fields: Vec<FieldContext> = spec
        .fields
        .iter()
        .map(|field| FieldContext {
            breaks_on_create: parsed(field),
            breaks_on_update: parsed(field) || !field.optional,
            field: field.clone(),
        })
        .collect();
    let any = |test: &dyn Fn(&Field) -> bool| fields.iter().any(|f| test(&f.field));
    let has = Has {
        string: any(&|f| f.kind == Kind::String),
        int: any(&|f| f.kind == Kind::Int),
        bool: any(&|f| f.kind == Kind::Bool),
        timestamp: any(&|f| f.kind == Kind::Timestamp),
        optional: any(&|f| f.optional),
        required: any(&|f| !f.optional),
        optional_parsed: any(&|f| parsed(f) && f.optional),
        required_parsed: any(&|f| parsed(f) && !f.optional),
        required_plain: any(&|f| !parsed(f) && !f.optional),
        create_breakable: fields.iter().any(|f| f.breaks_on_create),
        update_breakable: fields.iter().any(|f| f.breaks_on_update),
    };
    let select = |test: &dyn Fn(&Field) -> bool| -> Vec<FieldContext> {
        fields.iter().filter(|f| test(&f.field)).cloned().collect()
    };
    Context {
        name: spec.name.as_str().to_owned(),
        snake: spec.name.snake(),
        prefix: spec.name.env_prefix(),
        title: spec.name.title(),
        package: format!("jobber-{}", spec.name.as_str()),
        port: DEFAULT_PORT,
        auth_port: AUTH_PORT,
        entity: Spellings::from(&spec.entity),
        plural: Spellings::from(&spec.plural),
        string_fields: select(&|f| f.kind == Kind::String),
        required_fields: select(&|f| !f.optional),
        optional_fields: select(&|f| f.optional),
        timestamp_fields: select(&|f| f.kind == Kind::Timestamp),
        plain_fields: select(&|f| f.kind != Kind::Timestamp),
        draft_imports: draft_imports(&has),
        fields,
        has,
        migration_version: format!("{today}000001"),
        sdl_types: sdl_types(&spec.entity.pascal()),
        sdl_directives: String::new(),
        rust_version: String::new(),
    }
}

/// async-graphql prints type definitions sorted by name, byte by byte.
fn sdl_types(entity: &str) -> Vec<String> {
    let mut types = vec![
        entity.to_owned(),
        format!("Create{entity}Input"),
        "DateTime".to_owned(),
        "Mutation".to_owned(),
        "Query".to_owned(),
        format!("Update{entity}Input"),
    ];
    types.sort();
    types
}

/// Text and timestamps arrive as text and are parsed by the domain's rules.
fn parsed(field: &Field) -> bool {
    matches!(field.kind, Kind::String | Kind::Timestamp)
}

fn draft_imports(has: &Has) -> Vec<&'static str> {
    let mut imports = vec!["Change"];
    let mut add = |flag: bool, names: &[&'static str]| {
        if flag {
            imports.extend_from_slice(names);
        }
    };
    add(has.string, &["Text"]);
    add(has.timestamp, &["instant"]);
    add(has.required_parsed, &["value", "required_value_change"]);
    add(has.optional_parsed, &["optional_value", "value_change"]);
    add(has.required_plain, &["required_change"]);
    imports
}

/// Today's date in UTC as `YYYYMMDD`, for the migration's version.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm: the proleptic Gregorian date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_789), (2026, 12, 2));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
