//! Words a generated name may not be, because Rust, SQL, GraphQL or the template's own code already
//! means something by them.

/// Rust's strict, reserved and weak keywords (edition 2024), which cannot name a field, a module or a
/// local variable without `r#`.
pub const RUST_KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "macro_rules",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "raw",
    "ref",
    "return",
    "safe",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
];

/// PostgreSQL's reserved key words (both "reserved" and "reserved, can be function or type") and
/// SQLite's key words. Generated SQL names its tables and columns unquoted, so none of these may name
/// one.
pub const SQL_KEYWORDS: &[&str] = &[
    // PostgreSQL
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    // SQLite
    "abort",
    "action",
    "add",
    "after",
    "alter",
    "always",
    "attach",
    "autoincrement",
    "before",
    "begin",
    "between",
    "by",
    "cascade",
    "commit",
    "conflict",
    "current",
    "database",
    "deferred",
    "delete",
    "detach",
    "drop",
    "each",
    "escape",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "filter",
    "first",
    "following",
    "generated",
    "glob",
    "groups",
    "if",
    "ignore",
    "immediate",
    "index",
    "indexed",
    "insert",
    "instead",
    "key",
    "last",
    "match",
    "materialized",
    "no",
    "nothing",
    "nulls",
    "of",
    "others",
    "over",
    "partition",
    "plan",
    "pragma",
    "preceding",
    "query",
    "raise",
    "range",
    "recursive",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "set",
    "temp",
    "temporary",
    "ties",
    "transaction",
    "trigger",
    "unbounded",
    "update",
    "vacuum",
    "values",
    "view",
    "virtual",
    "without",
];

/// Type names an entity may not take: GraphQL's built-in scalars and roots, and the Rust prelude and
/// std types the generated code names.
pub const RESERVED_TYPES: &[&str] = &[
    "Query",
    "Mutation",
    "Subscription",
    "ID",
    "String",
    "Int",
    "Float",
    "Boolean",
    "DateTime",
    "Option",
    "Result",
    "Box",
    "Vec",
    "Self",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Send",
    "Sync",
    "Sized",
    "Copy",
    "Clone",
    "Debug",
    "Display",
    "Error",
    "Duration",
    "Arc",
];

/// Names the template's shared code already gives a type in scope of the entity's code; an entity
/// whose own type, or a type derived from it (`<Entity>Id`, `<Entity>Fields`, …), is one of these
/// would not compile.
pub const TEMPLATE_TYPES: &[&str] = &[
    "AppSchema",
    "Application",
    "AuthService",
    "Builder",
    "Caller",
    "CallerError",
    "CallerId",
    "CallerIdentity",
    "CallersSettings",
    "Change",
    "Clock",
    "Context",
    "DatabaseSettings",
    "DateTimeText",
    "EmptySubscription",
    "FieldError",
    "Id",
    "IdError",
    "IdentityError",
    "InputObject",
    "IntoGraphQlError",
    "LogSettings",
    "MaybeUndefined",
    "MergedObject",
    "MockCallerIdentity",
    "MockClock",
    "Object",
    "ObjectType",
    "PageSize",
    "PageSizeError",
    "Parse",
    "PgStore",
    "RepositoryError",
    "RequestCredentials",
    "Router",
    "Schema",
    "SchemaModule",
    "SchemaSettings",
    "ServerSettings",
    "Settings",
    "SharedIdentity",
    "SqliteStore",
    "Store",
    "SystemClock",
    "TestDatabase",
    "TestSqlite",
    "Text",
    "TextRule",
    "UnderTest",
    "Utc",
    "ValidationErrors",
    "Value",
    "Violation",
    "Wiring",
];

/// Module names the template's shared code uses in one of the four crates, and the crates it names in
/// paths: an entity module of the same name would collide with one or shadow the other.
pub const TEMPLATE_MODULES: &[&str] = &[
    // The template's own modules, and the ones inside an entity's module: a module may not share
    // its name with one of its own, or clippy calls it inception.
    "adapters",
    "application",
    "auth_service",
    "bootstrap",
    "caller",
    "callers",
    "cli",
    "clock",
    "deadline",
    "domain",
    "drafts",
    "duration",
    "errors",
    "fields",
    "graphql",
    "http",
    "id",
    "model",
    "mutation",
    "page",
    "ports",
    "postgres",
    "postgres_prepare",
    "query",
    "schema",
    "service",
    "settings",
    "sqlite",
    "startup",
    "store",
    "telemetry",
    "tests",
    "types",
    "use_cases",
    "validation",
    // Crates the generated code names in paths.
    "alloc",
    "anyhow",
    "async_graphql",
    "async_trait",
    "axum",
    "chrono",
    "core",
    "dotenvy",
    "figment",
    "futures",
    "mockall",
    "proptest",
    "reqwest",
    "secrecy",
    "serde",
    "serde_json",
    "sqlx",
    "std",
    "tempfile",
    "test",
    "thiserror",
    "tokio",
    "tower",
    "tower_http",
    "tracing",
    "tracing_subscriber",
    "uuid",
    "validator",
];

/// Fields every entity already has.
pub const FIXED_FIELDS: &[&str] = &["id", "owner_id", "created_at", "updated_at"];

/// Names a column cannot take: PostgreSQL's system columns, which every table has already, and the one
/// local name async-graphql's `InputObject` derive binds beside the fields it parses.
pub const TAKEN_COLUMNS: &[&str] = &[
    "cmax", "cmin", "ctid", "obj", "oid", "tableoid", "xmax", "xmin",
];

/// Service names whose settings prefix would take other tools' variables for the service's own keys
/// (the service refuses a key it does not know): `CARGO_*` under cargo, `RUST_BACKTRACE`,
/// `TEST_DATABASE_URL` and `PG_TEST_*` from the test scripts, `JOBBER_*` from the compose file, and
/// the CI runners' own. PostgreSQL's template databases are taken too.
pub const TAKEN_SERVICE_NAMES: &[&str] = &[
    "cargo",
    "ci",
    "compose",
    "docker",
    "git",
    "github",
    "home",
    "jobber",
    "lc",
    "path",
    "pg",
    "postgres",
    "runner",
    "rust",
    "rustup",
    "ssh",
    "template0",
    "template1",
    "test",
    "xdg",
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::repo_root;

    /// The type names the templates bring into scope or define themselves, leaving out those made from
    /// the entity's name: an entity of any of these names would clash with one.
    fn template_type_names() -> BTreeSet<String> {
        fn walk(dir: &Path, into: &mut BTreeSet<String>) {
            for entry in std::fs::read_dir(dir).expect("templates").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, into);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a template");
                    // Only where the entity's own types are in scope can a name clash with it.
                    if text.contains("{{ entity.pascal }}") && text.contains("use domain::") {
                        collect(&text, into);
                    }
                }
            }
        }
        fn collect(text: &str, into: &mut BTreeSet<String>) {
            // Made-from-the-entity names touch a `{{ … }}`: cut those out and skip what touched them.
            let mut plain = String::new();
            let mut rest = text;
            while let Some(open) = rest.find("{{") {
                plain.push_str(&rest[..open]);
                plain.push('§');
                rest = rest[open..]
                    .find("}}")
                    .map_or("", |close| &rest[open + close + 2..]);
            }
            plain.push_str(rest);
            let mut in_use = false;
            for line in plain.lines() {
                // `use chrono::TimeZone as _;` brings no name into scope.
                let line = line.replace(" as _", "").replace("TimeZone;", ";");
                let trimmed = line.trim_start();
                let defines = ["struct ", "enum ", "type ", "trait "]
                    .iter()
                    .any(|kw| trimmed.starts_with(kw) || trimmed.starts_with(&format!("pub {kw}")));
                in_use |= trimmed.starts_with("use ") || trimmed.starts_with("pub use ");
                if in_use || defines {
                    let words = trimmed
                        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '§'))
                        .filter(|w| pascal_shaped(w) && !w.contains('§'));
                    let words: Vec<&str> = if defines {
                        words.take(1).collect()
                    } else {
                        words.collect()
                    };
                    into.extend(words.into_iter().map(str::to_owned));
                }
                if in_use && trimmed.ends_with(';') {
                    in_use = false;
                }
            }
        }
        let mut names = BTreeSet::new();
        walk(&repo_root().join("xtask/templates"), &mut names);
        names
    }

    /// What an entity name looks like: a capital, then a lower-case letter or digit; constants and
    /// one-letter generics cannot be one.
    fn pascal_shaped(word: &str) -> bool {
        let mut chars = word.chars();
        word.len() >= 2
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }

    #[test]
    fn every_type_name_the_templates_use_is_one_no_entity_may_take() {
        let reserved: BTreeSet<&str> = RESERVED_TYPES
            .iter()
            .chain(TEMPLATE_TYPES)
            .copied()
            .collect();
        let free: Vec<String> = template_type_names()
            .into_iter()
            .filter(|name| !reserved.contains(name.as_str()))
            .collect();
        assert!(
            free.is_empty(),
            "the templates name these types, which an entity could be called too: {free:?}; add \
             them to TEMPLATE_TYPES"
        );
    }

    #[test]
    fn every_list_is_written_as_the_code_compares_it() {
        for word in RUST_KEYWORDS
            .iter()
            .chain(SQL_KEYWORDS)
            .chain(TEMPLATE_MODULES)
            .chain(FIXED_FIELDS)
            .chain(TAKEN_COLUMNS)
            .chain(TAKEN_SERVICE_NAMES)
        {
            assert_eq!(*word, word.to_ascii_lowercase(), "{word}");
        }
        for name in RESERVED_TYPES.iter().chain(TEMPLATE_TYPES) {
            assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
        }
    }
}
