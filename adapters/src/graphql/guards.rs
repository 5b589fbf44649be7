//! Per-request guards that async-graphql's own limits do not cover.
//!
//! - At most one password-hashing or -verifying field per operation. bcrypt costs about 250 ms of a core,
//!   so a document with a thousand aliased `upsertUser` fields would be a denial of service in one
//!   request. The count follows aliases, fragment spreads and inline fragments.
//! - Parse and validation failures get an `extensions.code` as Apollo Server gives them, so clients of the
//!   NestJS service can keep telling them apart from resolver errors.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, ServerError, ServerResult, ValidationResult, Variables};

/// Root fields that run bcrypt.
pub const PASSWORD_FIELDS: &[&str] = &["upsertUser"];

pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

pub(super) struct RequestGuards;

impl ExtensionFactory for RequestGuards {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestGuardsExtension)
    }
}

struct RequestGuardsExtension;

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
        let most = document
            .operations
            .iter()
            .map(|(_, op)| {
                count_password_fields(&op.node.selection_set, &document, &mut HashSet::new())
            })
            .max()
            .unwrap_or(0);
        if most > 1 {
            let error = ServerError::new(
                format!(
                    "An operation may run at most one password-checking field ({}); this one runs {most}.",
                    PASSWORD_FIELDS.join(", ")
                ),
                None,
            );
            return Err(with_code(error, GRAPHQL_VALIDATION_FAILED));
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

/// Counts root-level password fields, expanding each fragment once so cyclic fragments (which validation
/// rejects later) cannot loop here.
fn count_password_fields(
    selection_set: &Positioned<SelectionSet>,
    document: &ExecutableDocument,
    expanded: &mut HashSet<Name>,
) -> usize {
    selection_set
        .node
        .items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(PASSWORD_FIELDS.contains(&field.node.name.node.as_str()))
            }
            Selection::InlineFragment(fragment) => {
                count_password_fields(&fragment.node.selection_set, document, expanded)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                match document.fragments.get(name) {
                    Some(fragment) if expanded.insert(name.clone()) => {
                        count_fragment(fragment, document, expanded)
                    }
                    _ => 0,
                }
            }
        })
        .sum()
}

fn count_fragment(
    fragment: &Positioned<FragmentDefinition>,
    document: &ExecutableDocument,
    expanded: &mut HashSet<Name>,
) -> usize {
    count_password_fields(&fragment.node.selection_set, document, expanded)
}

fn with_code(mut error: ServerError, code: &'static str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}
