//! One line per refused setting, naming the key as the operator spells it (`<PREFIX>GRAPHIQL`, not
//! `server.graphiql`) and the source it came from.

use validator::{ValidationErrors, ValidationErrorsKind};

use crate::service;

/// `port` is `PORT`; every other key is the service's prefix and the key in upper case.
pub fn env_name(key: &str) -> String {
    if key == "port" {
        "PORT".to_owned()
    } else {
        format!("{}{}", service::ENV_PREFIX, key.to_ascii_uppercase())
    }
}

pub(super) fn extraction_line(error: &figment::Error) -> String {
    use figment::error::Kind;
    let (key, problem) = match &error.kind {
        Kind::UnknownField(field, _) => (
            Some(field.clone()),
            "is not a setting this service reads".to_owned(),
        ),
        other => (error.path.last().cloned(), other.to_string()),
    };
    let source = error
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(source) => format!(" (from {} {source})", m.name),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    match key {
        Some(key) => format!(
            "invalid configuration: {}: {problem}{source}",
            env_name(&key.to_ascii_lowercase())
        ),
        None => format!("invalid configuration: {problem}{source}"),
    }
}

pub(super) fn validation_line(errors: &ValidationErrors) -> String {
    let mut fields = Vec::new();
    flatten(errors, &mut fields);
    fields.sort_by_key(|(field, _)| field.clone());
    let lines: Vec<String> = fields
        .into_iter()
        .map(|(field, bounds)| format!("{} {bounds}", env_name(&field)))
        .collect();
    format!("invalid configuration: {}", lines.join("; "))
}

/// Every broken field of every section, each with its bounds in words.
fn flatten(errors: &ValidationErrors, into: &mut Vec<(String, String)>) {
    for (field, kind) in errors.errors() {
        match kind {
            ValidationErrorsKind::Field(errs) => {
                let bounds = errs.first().map(bounds).unwrap_or_default();
                into.push((field.to_string(), bounds));
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, into),
            ValidationErrorsKind::List(items) => {
                for inner in items.values() {
                    flatten(inner, into);
                }
            }
        }
    }
}

fn bounds(error: &validator::ValidationError) -> String {
    let min = error.params.get("min").map(ToString::to_string);
    let max = error.params.get("max").map(ToString::to_string);
    let got = error
        .params
        .get("value")
        .map(ToString::to_string)
        .unwrap_or_default();
    match (min, max) {
        (Some(min), Some(max)) => format!("must be between {min} and {max}, got {got}"),
        (None, Some(max)) => format!("must be at most {max}, got {got}"),
        (Some(min), None) => format!("must be at least {min}, got {got}"),
        (None, None) => "is invalid".to_owned(),
    }
}
