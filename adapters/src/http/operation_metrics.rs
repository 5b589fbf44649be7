//! What `/graphql` records of each operation: its type, its root field and its result code, with how
//! long it took, as the histogram `graphql_operation_duration_seconds`.
//!
//! Every label value comes from a small set, so that no client can grow the series without bound:
//! the type is one of three keywords, the field is a root field of this schema (only once the
//! operation has passed validation, which proves it is one), and the code is one the server set.

use std::time::Duration;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection,
};

pub const OPERATION_DURATION: &str = "graphql_operation_duration_seconds";

/// Stands in for a root field before validation has shown the document names real ones.
const UNVALIDATED: &str = "none";
/// An operation that selects more than one root field, or selects them through fragments.
const SEVERAL: &str = "multiple";
/// The code of an error whose own code is missing or does not look like one of ours.
const UNCODED: &str = "OTHER";
/// Longer codes than this are not ones the server sets.
const MAX_CODE_LEN: usize = 40;

/// What parsing told about the operation the request runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Operation {
    pub kind: &'static str,
    /// The root field, as the document names it (not an alias); still unproven until validation.
    pub field: Option<String>,
}

impl Operation {
    /// Before parsing, or when the document does not say which operation to run.
    pub fn unknown() -> Self {
        Self {
            kind: "unknown",
            field: None,
        }
    }

    /// The operation `name` picks out of `document`, as the executor will pick it.
    pub fn of(document: &ExecutableDocument, name: Option<&str>) -> Self {
        let operation = match (&document.operations, name) {
            (DocumentOperations::Single(op), _) => op,
            (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
                Some(op) => op,
                None => return Self::unknown(),
            },
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
                match ops.values().next() {
                    Some(op) => op,
                    None => return Self::unknown(),
                }
            }
            (DocumentOperations::Multiple(_), None) => return Self::unknown(),
        };
        let kind = match operation.node.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        };
        let mut field: Option<&str> = None;
        for selection in &operation.node.selection_set.node.items {
            let Selection::Field(selected) = &selection.node else {
                field = Some(SEVERAL);
                break;
            };
            let name = selected.node.name.node.as_str();
            match field {
                None => field = Some(name),
                Some(seen) if seen == name => {}
                Some(_) => {
                    field = Some(SEVERAL);
                    break;
                }
            }
        }
        Self {
            kind,
            field: field.map(str::to_owned),
        }
    }
}

/// The root field, once the answer shows the operation ran; `none` when it was refused before.
///
/// Errors with a path come from resolvers, so execution ran, and only a validated document runs; an
/// error without one is a refusal before execution (parse, limits, guards, validation, variables),
/// when the names are still the client's.
pub(super) fn trusted_field<'a>(
    operation: &'a Operation,
    response: &async_graphql::Response,
) -> &'a str {
    let executed = response.errors.iter().all(|e| !e.path.is_empty());
    match (&operation.field, executed) {
        (Some(field), true) => field,
        _ => UNVALIDATED,
    }
}

/// The labels one finished operation is recorded under.
pub(super) fn labels(
    operation: &Operation,
    response: &async_graphql::Response,
) -> [(&'static str, String); 3] {
    [
        ("operation", operation.kind.to_owned()),
        ("field", trusted_field(operation, response).to_owned()),
        ("code", result_code(response).to_owned()),
    ]
}

/// `OK`, or the first error's `extensions.code`.
fn result_code(response: &async_graphql::Response) -> &str {
    let Some(error) = response.errors.first() else {
        return "OK";
    };
    let code = error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        });
    match code {
        Some(code) if looks_like_a_code(code) => code,
        _ => UNCODED,
    }
}

fn looks_like_a_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE_LEN
        && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

pub(super) fn record(operation: &Operation, response: &async_graphql::Response, took: Duration) {
    metrics::histogram!(OPERATION_DURATION, &labels(operation, response)).record(took);
}

#[cfg(test)]
mod tests {
    use async_graphql::{ErrorExtensionValues, PathSegment, Response, ServerError, Value};

    use super::*;

    fn parsed(query: &str, name: Option<&str>) -> Operation {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        Operation::of(&document, name)
    }

    fn error(code: Option<&str>, path: bool) -> ServerError {
        let mut error = ServerError::new("refused", None);
        if let Some(code) = code {
            let mut extensions = ErrorExtensionValues::default();
            extensions.set("code", Value::from(code));
            error.extensions = Some(extensions);
        }
        if path {
            error.path = vec![PathSegment::Field("item".to_owned())];
        }
        error
    }

    fn label_values(operation: &Operation, response: &Response) -> Vec<String> {
        labels(operation, response)
            .into_iter()
            .map(|(_, value)| value)
            .collect()
    }

    #[test]
    fn the_root_field_is_named_not_its_alias_and_an_ok_answer_says_ok() {
        let operation = parsed("query Mine { a: item(id: 1) { id } }", None);
        assert_eq!(operation.kind, "query");
        assert_eq!(operation.field.as_deref(), Some("item"));
        assert_eq!(
            label_values(&operation, &Response::default()),
            ["query", "item", "OK"]
        );
    }

    #[test]
    fn several_root_fields_or_fragments_are_multiple() {
        for query in [
            "{ item { id } other { id } }",
            "{ ...F } fragment F on Query { item { id } }",
            "{ item { id } ... on Query { other } }",
        ] {
            assert_eq!(
                parsed(query, None).field.as_deref(),
                Some(SEVERAL),
                "{query}"
            );
        }
        assert_eq!(
            parsed("{ a: item { id } b: item { id } }", None)
                .field
                .as_deref(),
            Some("item")
        );
    }

    #[test]
    fn the_named_operation_is_the_one_labelled() {
        let query = "query A { item { id } } mutation B { change { id } }";
        let operation = parsed(query, Some("B"));
        assert_eq!(operation.kind, "mutation");
        assert_eq!(operation.field.as_deref(), Some("change"));
        assert_eq!(parsed(query, Some("C")), Operation::unknown());
        assert_eq!(parsed(query, None), Operation::unknown());
    }

    #[test]
    fn a_refusal_before_execution_never_labels_with_the_clients_field_names() {
        let operation = parsed("{ madeUpFieldNumber12345 }", None);
        let refused = Response::from_errors(vec![error(Some("GRAPHQL_VALIDATION_FAILED"), false)]);
        assert_eq!(
            label_values(&operation, &refused),
            ["query", UNVALIDATED, "GRAPHQL_VALIDATION_FAILED"]
        );
    }

    #[test]
    fn a_resolver_error_keeps_the_field_and_gives_its_code() {
        let operation = parsed("mutation { change { id } }", None);
        let failed = Response::from_errors(vec![error(Some("BAD_USER_INPUT"), true)]);
        assert_eq!(
            label_values(&operation, &failed),
            ["mutation", "change", "BAD_USER_INPUT"]
        );
    }

    #[test]
    fn a_code_that_is_missing_or_not_one_of_ours_is_other() {
        let operation = parsed("{ item }", None);
        for code in [
            None,
            Some("lower"),
            Some("Has Space"),
            Some(&*"A".repeat(41)),
        ] {
            let failed = Response::from_errors(vec![error(code, true)]);
            assert_eq!(label_values(&operation, &failed)[2], UNCODED, "{code:?}");
        }
    }
}
