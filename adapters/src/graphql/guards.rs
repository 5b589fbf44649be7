//! Per-request guards that async-graphql's own limits do not cover.
//!
//! - At most one of the schema's single-use root fields per operation. A module names the fields that are
//!   too costly to repeat (a field that runs a deliberately slow hash, say, where a thousand aliases of
//!   it would be a denial of service in one request). The count follows aliases, fragment spreads and
//!   inline fragments.
//! - At most [`MAX_EXPANDED_SELECTIONS`] field selections per operation once fragments are spread, so
//!   that no validator or resolver walks an exponential fan-out of fragments.
//! - With introspection turned off, `__schema` and `__type` are refused outright.
//! - Parse and validation failures get an `extensions.code` as Apollo Server gives them, so clients of the
//!   NestJS service can keep telling them apart from resolver errors; so do argument and variable values
//!   that async-graphql refuses during execution (`BAD_USER_INPUT`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, Selection, SelectionSet,
};
use async_graphql::{
    Name, Positioned, Request, Response, ServerError, ServerResult, ValidationResult, Variables,
};

use super::errors::BAD_USER_INPUT;

/// The most field selections an operation may expand to with its fragments spread. async-graphql's
/// validators walk every spread, so a few hundred bytes of fragments spreading fragments would otherwise
/// keep a core busy for minutes. The standard introspection query expands to a few hundred.
pub const MAX_EXPANDED_SELECTIONS: usize = 50_000;

pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// The request does not say which of its operations to run, or names one it does not hold (Apollo
/// Server's name for it).
pub const OPERATION_RESOLUTION_FAILURE: &str = "OPERATION_RESOLUTION_FAILURE";

pub(super) struct RequestGuards {
    pub(super) introspection: bool,
    /// Root fields an operation may select at most once between them.
    pub(super) single_use: Arc<[&'static str]>,
}

impl ExtensionFactory for RequestGuards {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestGuardsExtension {
            introspection: self.introspection,
            single_use: Arc::clone(&self.single_use),
            unresolved_operation: Mutex::new(None),
        })
    }
}

struct RequestGuardsExtension {
    introspection: bool,
    single_use: Arc<[&'static str]>,
    /// Found while preparing, reported after validation, as graphql-js orders the two. An extension
    /// is made per request, so this is the request's own.
    unresolved_operation: Mutex<Option<ServerError>>,
}

#[async_trait::async_trait]
impl Extension for RequestGuardsExtension {
    /// The guards run on a document parsed here, before async-graphql's own checks: its recursion-depth
    /// and validation walks expand every fragment spread, which a hostile document makes exponential.
    /// The parsed document is handed on, so it is not parsed twice.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let operation_name = request.operation_name.clone();
        let document = request
            .parsed_query()
            .map_err(|e| with_code(e, GRAPHQL_PARSE_FAILED))?;
        self.check(document)?;
        if let Err(error) = resolve_operation(document, operation_name.as_deref()) {
            *self.unresolved() = Some(error);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, GRAPHQL_PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| with_code(e, GRAPHQL_VALIDATION_FAILED))
                .collect::<Vec<_>>()
        })?;
        match self.unresolved().take() {
            Some(error) => Err(vec![error]),
            None => Ok(result),
        }
    }

    /// Every error the resolvers make carries a code (`errors.rs`). One that reaches here without a
    /// code is async-graphql refusing an argument or variable value while executing (`Expected input
    /// type "…Input", found [].`), found by the property tests: the client's input, so
    /// `BAD_USER_INPUT`, as Apollo Server names it.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        for error in &mut response.errors {
            set_code_if_missing(error, BAD_USER_INPUT);
        }
        response
    }
}

impl RequestGuardsExtension {
    fn unresolved(&self) -> std::sync::MutexGuard<'_, Option<ServerError>> {
        self.unresolved_operation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn check(&self, document: &ExecutableDocument) -> ServerResult<()> {
        for (_, operation) in document.operations.iter() {
            let selections = Walk::<Selections>::operation(&operation.node.selection_set, document);
            if selections.0 > MAX_EXPANDED_SELECTIONS {
                return Err(refusal(format!(
                    "The operation expands to more than {MAX_EXPANDED_SELECTIONS} field selections once its fragments are spread."
                )));
            }
            let fields = Walk::<RootFields>::operation_with(
                &operation.node.selection_set,
                document,
                &self.single_use,
            );
            if fields.single_use > 1 {
                return Err(refusal(format!(
                    "An operation may run at most one of these costly fields ({}); this one runs {}.",
                    self.single_use.join(", "),
                    fields.single_use
                )));
            }
            // async-graphql alone would answer `__schema: null`; Apollo refuses, and clients rely on that.
            if !self.introspection && fields.introspection {
                return Err(refusal(
                    "Introspection is disabled on this server.".to_owned(),
                ));
            }
        }
        Ok(())
    }
}

/// async-graphql picks the operation after every extension hook has run, so its refusal would reach
/// the client without a code; the same choice is made here, where it can carry one.
fn resolve_operation(document: &ExecutableDocument, name: Option<&str>) -> ServerResult<()> {
    let message = match (&document.operations, name) {
        (DocumentOperations::Single(_), None) => return Ok(()),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => return Ok(()),
        (DocumentOperations::Multiple(ops), Some(name)) if ops.contains_key(name) => return Ok(()),
        (DocumentOperations::Multiple(_), None) => {
            "The document holds several operations: say which to run in operationName.".to_owned()
        }
        // A lone anonymous operation has no name to match, as in graphql-js.
        (_, Some(name)) => format!("The document holds no operation named \"{name}\"."),
    };
    Err(with_code(
        ServerError::new(message, None),
        OPERATION_RESOLUTION_FAILURE,
    ))
}

fn refusal(message: String) -> ServerError {
    with_code(ServerError::new(message, None), GRAPHQL_VALIDATION_FAILED)
}

/// Something counted over a selection set with every fragment spread expanded, the way the executor and
/// async-graphql's validators walk it: every alias and every spread counts, even one fragment twice.
trait Tally: Copy + Default {
    fn field<'d>(
        field: &'d Positioned<Field>,
        document: &'d ExecutableDocument,
        walk: &mut Walk<'d, Self>,
    ) -> Self;
    fn add(&mut self, other: Self);
}

/// What an operation's root selection runs.
#[derive(Debug, Default, Clone, Copy)]
struct RootFields {
    /// Saturating: all that matters is whether it exceeds one.
    single_use: usize,
    introspection: bool,
}

impl Tally for RootFields {
    fn field<'d>(
        field: &'d Positioned<Field>,
        _: &'d ExecutableDocument,
        walk: &mut Walk<'d, Self>,
    ) -> Self {
        let name = field.node.name.node.as_str();
        Self {
            single_use: usize::from(walk.single_use.contains(&name)),
            introspection: name == "__schema" || name == "__type",
        }
    }

    fn add(&mut self, other: Self) {
        self.single_use = self.single_use.saturating_add(other.single_use);
        self.introspection |= other.introspection;
    }
}

/// How many field selections the whole operation expands to.
#[derive(Debug, Default, Clone, Copy)]
struct Selections(usize);

impl Tally for Selections {
    fn field<'d>(
        field: &'d Positioned<Field>,
        document: &'d ExecutableDocument,
        walk: &mut Walk<'d, Self>,
    ) -> Self {
        let mut count = Self(1);
        count.add(walk.selection_set(&field.node.selection_set, document));
        count
    }

    fn add(&mut self, other: Self) {
        self.0 = self.0.saturating_add(other.0);
    }
}

/// Each fragment is tallied once and reused, so a document whose fragments spread other fragments
/// several times costs linear time here, not exponential; a fragment that spreads itself (validation
/// rejects it later) is cut where it recurses.
struct Walk<'d, T> {
    tallied: HashMap<&'d Name, T>,
    in_progress: HashSet<&'d Name>,
    single_use: &'d [&'static str],
}

impl<'d, T: Tally> Walk<'d, T> {
    fn operation(
        selection_set: &'d Positioned<SelectionSet>,
        document: &'d ExecutableDocument,
    ) -> T {
        Self::operation_with(selection_set, document, &[])
    }

    fn operation_with(
        selection_set: &'d Positioned<SelectionSet>,
        document: &'d ExecutableDocument,
        single_use: &'d [&'static str],
    ) -> T {
        Self {
            tallied: HashMap::new(),
            in_progress: HashSet::new(),
            single_use,
        }
        .selection_set(selection_set, document)
    }

    fn selection_set(
        &mut self,
        selection_set: &'d Positioned<SelectionSet>,
        document: &'d ExecutableDocument,
    ) -> T {
        let mut tally = T::default();
        for selection in &selection_set.node.items {
            match &selection.node {
                Selection::Field(field) => tally.add(T::field(field, document, self)),
                Selection::InlineFragment(fragment) => {
                    tally.add(self.selection_set(&fragment.node.selection_set, document));
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(known) = self.tallied.get(name) {
                        tally.add(*known);
                    } else if let Some(fragment) = document.fragments.get(name)
                        && self.in_progress.insert(name)
                    {
                        let counted = self.selection_set(&fragment.node.selection_set, document);
                        self.in_progress.remove(name);
                        self.tallied.insert(name, counted);
                        tally.add(counted);
                    }
                }
            }
        }
        tally
    }
}

fn with_code(mut error: ServerError, code: &'static str) -> ServerError {
    set_code_if_missing(&mut error, code);
    error
}

fn set_code_if_missing(error: &mut ServerError, code: &'static str) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
}
