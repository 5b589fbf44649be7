//! The entity's fields, `--field name:type` with an optional `?`, checked and spelled for each layer.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::names::{MAX_NAME_CHARS, snake_to_camel, snake_to_pascal};
use crate::plumbing::auth_residue;
use crate::words::{FIXED_FIELDS, RUST_KEYWORDS, SQL_KEYWORDS, TAKEN_COLUMNS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Int,
    Bool,
    Timestamp,
}

impl Kind {
    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "string" => Some(Self::String),
            "int" => Some(Self::Int),
            "bool" => Some(Self::Bool),
            "timestamp" => Some(Self::Timestamp),
            _ => None,
        }
    }
}

/// One field as every layer spells it. Serialised into the templates' context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// `due_at`: Rust and SQL.
    pub name: String,
    /// `dueAt`: GraphQL, and the field errors name.
    pub camel: String,
    /// `DueAt`
    pub pascal: String,
    pub kind: Kind,
    pub optional: bool,
}

/// `--field` given nowhere: one required `name: string`.
pub fn default_fields() -> Vec<Field> {
    vec![field("name", Kind::String, false)]
}

fn field(name: &str, kind: Kind, optional: bool) -> Field {
    Field {
        name: name.to_owned(),
        camel: snake_to_camel(name),
        pascal: snake_to_pascal(name),
        kind,
        optional,
    }
}

/// Parses one `FIELD:TYPE` argument.
///
/// # Errors
/// The rule it breaks, as a sentence.
pub fn parse(raw: &str) -> Result<Field, String> {
    let Some((name, kind)) = raw.split_once(':') else {
        return Err("must be FIELD:TYPE, such as name:string or due_at:timestamp?".to_owned());
    };
    check_name(name)?;
    let (kind, optional) = match kind.strip_suffix('?') {
        Some(kind) => (kind, true),
        None => (kind, false),
    };
    let kind = Kind::parse(kind).ok_or_else(|| {
        format!(
            "TYPE `{kind}` is not one of string, int, bool or timestamp (each may end in ? for an \
             optional field)"
        )
    })?;
    Ok(field(name, kind, optional))
}

fn check_name(name: &str) -> Result<(), String> {
    let shaped = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('_').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !shaped {
        return Err(format!(
            "FIELD `{name}` must match [a-z][a-z0-9]*(_[a-z0-9]+)*: snake_case, starting with a letter"
        ));
    }
    if name.len() > MAX_NAME_CHARS {
        return Err(format!(
            "FIELD `{name}` must be at most {MAX_NAME_CHARS} characters, got {}",
            name.len()
        ));
    }
    if FIXED_FIELDS.contains(&name) {
        return Err(format!(
            "FIELD `{name}` is one every entity has already ({})",
            FIXED_FIELDS.join(", ")
        ));
    }
    if RUST_KEYWORDS.contains(&name) {
        return Err(format!("FIELD `{name}` is a Rust keyword"));
    }
    if SQL_KEYWORDS.contains(&name) {
        return Err(format!(
            "FIELD `{name}` is an SQL key word of PostgreSQL or SQLite"
        ));
    }
    if TAKEN_COLUMNS.contains(&name) {
        return Err(format!(
            "FIELD `{name}` is taken: a column every PostgreSQL table has, or a name the GraphQL input's \
             parser uses for itself"
        ));
    }
    if !auth_residue(name).is_empty() || !auth_residue(&snake_to_camel(name)).is_empty() {
        return Err(format!(
            "FIELD `{name}` is a word of the auth service's own module; a generated service carries \
             nothing of it"
        ));
    }
    Ok(())
}

/// The most fields an entity may have: enough for any entity, and few enough that every generated
/// test stays within what its libraries take (proptest's tuples).
pub const MAX_FIELDS: usize = 50;

/// Refuses two fields of one name, or of one GraphQL name (`a_1` and `a1` are both `a1`), and more
/// than [`MAX_FIELDS`].
///
/// # Errors
/// Names the second field and the first one it clashes with.
pub fn check_distinct(fields: &[Field]) -> Result<(), String> {
    if fields.len() > MAX_FIELDS {
        return Err(format!("at most {MAX_FIELDS} fields, got {}", fields.len()));
    }
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for field in fields {
        if let Some(first) = seen.insert(field.camel.as_str(), field.name.as_str()) {
            return Err(if first == field.name {
                format!("FIELD `{}` is given twice", field.name)
            } else {
                format!(
                    "FIELD `{}` is `{}` in GraphQL, as `{first}` is already",
                    field.name, field.camel
                )
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_parses_required_and_optional() {
        let due = parse("due_at:timestamp?").expect("valid");
        assert_eq!(
            (
                due.name.as_str(),
                due.camel.as_str(),
                due.kind,
                due.optional
            ),
            ("due_at", "dueAt", Kind::Timestamp, true)
        );
        for (raw, kind, optional) in [
            ("title:string", Kind::String, false),
            ("retries:int", Kind::Int, false),
            ("enabled:bool?", Kind::Bool, true),
        ] {
            let field = parse(raw).expect("valid");
            assert_eq!((field.kind, field.optional), (kind, optional), "{raw}");
        }
    }

    #[test]
    fn bad_fields_name_their_rule() {
        for (raw, rule) in [
            ("title", "FIELD:TYPE"),
            ("title:text", "TYPE `text`"),
            ("title:string??", "TYPE `string?`"),
            ("Title:string", "snake_case"),
            ("_title:string", "snake_case"),
            ("due__at:string", "snake_case"),
            ("due-at:string", "snake_case"),
            ("id:int", "every entity has"),
            ("owner_id:int", "every entity has"),
            ("created_at:timestamp", "every entity has"),
            ("type:string", "Rust keyword"),
            ("order:int", "SQL key word"),
            ("user:string", "SQL key word"),
            ("xmin:int", "taken"),
            ("obj:string", "taken"),
            ("email:string", "auth service"),
        ] {
            let why = parse(raw).expect_err(raw);
            assert!(why.contains(rule), "{raw}: {why}");
        }
        let long = format!("{}:string", "a".repeat(31));
        assert!(parse(&long).expect_err("long").contains("at most 30"));
    }

    #[test]
    fn fields_must_differ_in_graphql_too() {
        let twice = [parse("a:int").expect("ok"), parse("a:string").expect("ok")];
        assert!(check_distinct(&twice).expect_err("twice").contains("twice"));
        let camel = [parse("a1:int").expect("ok"), parse("a_1:int").expect("ok")];
        let why = check_distinct(&camel).expect_err("same camelCase");
        assert!(why.contains("`a_1`") && why.contains("`a1`"), "{why}");
        assert!(check_distinct(&default_fields()).is_ok());
    }
}
