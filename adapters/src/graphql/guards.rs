//! Per-request guards that async-graphql's own limits do not cover.
//!
//! - At most one password-hashing or -verifying field per operation. bcrypt costs about 250 ms of a core,
//!   so a document with a thousand aliased `upsertUser` fields would be a denial of service in one
//!   request. The count follows aliases, fragment spreads and inline fragments.
//! - With introspection turned off, `__schema` and `__type` are refused outright.
//! - Parse and validation failures get an `extensions.code` as Apollo Server gives them, so clients of the
//!   NestJS service can keep telling them apart from resolver errors.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, ServerResult, ValidationResult, Variables};

/// Root fields that run bcrypt.
pub const PASSWORD_FIELDS: &[&str] = &["upsertUser"];

pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

pub(super) struct RequestGuards {
    pub(super) introspection: bool,
}

impl ExtensionFactory for RequestGuards {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestGuardsExtension {
            introspection: self.introspection,
        })
    }
}

struct RequestGuardsExtension {
    introspection: bool,
}

#[async_trait::async_trait]
impl Extension for RequestGuardsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next
            .run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, GRAPHQL_PARSE_FAILED))?;
        for (_, operation) in document.operations.iter() {
            let fields = root_fields(
                &operation.node.selection_set,
                &document,
                &mut HashSet::new(),
            );
            let password_fields = fields
                .iter()
                .filter(|f| PASSWORD_FIELDS.contains(f))
                .count();
            if password_fields > 1 {
                return Err(refusal(format!(
                    "An operation may run at most one password-checking field ({}); this one runs {password_fields}.",
                    PASSWORD_FIELDS.join(", ")
                )));
            }
            // async-graphql alone would answer `__schema: null`; Apollo refuses, and clients rely on that.
            if !self.introspection && fields.iter().any(|f| *f == "__schema" || *f == "__type") {
                return Err(refusal(
                    "Introspection is disabled on this server.".to_owned(),
                ));
            }
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| with_code(e, GRAPHQL_VALIDATION_FAILED))
                .collect()
        })
    }
}

fn refusal(message: String) -> ServerError {
    with_code(ServerError::new(message, None), GRAPHQL_VALIDATION_FAILED)
}

/// The names (not aliases) of an operation's root fields, expanding each fragment once so cyclic
/// fragments (which validation rejects later) cannot loop here.
fn root_fields<'d>(
    selection_set: &'d Positioned<SelectionSet>,
    document: &'d ExecutableDocument,
    expanded: &mut HashSet<&'d Name>,
) -> Vec<&'d str> {
    let mut names = Vec::new();
    for selection in &selection_set.node.items {
        match &selection.node {
            Selection::Field(field) => names.push(field.node.name.node.as_str()),
            Selection::InlineFragment(fragment) => {
                names.extend(root_fields(
                    &fragment.node.selection_set,
                    document,
                    expanded,
                ));
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if let Some(fragment) = document.fragments.get(name) {
                    if expanded.insert(name) {
                        names.extend(root_fields(
                            &fragment.node.selection_set,
                            document,
                            expanded,
                        ));
                    }
                }
            }
        }
    }
    names
}

fn with_code(mut error: ServerError, code: &'static str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}
