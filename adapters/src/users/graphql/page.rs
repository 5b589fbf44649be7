//! `users`' page of rows, resolved without a future per row and per field.
//!
//! async-graphql resolves a list of objects one future per row and per field, and with any extension in
//! the schema (the request guards are one) it also builds a `ResolveInfo` for each, which looks the
//! field up in the registry and formats type names. For a page of 1,000 users that is thousands of
//! allocations per request. A page whose selection is plain fields of `User` (no fragments, no
//! directives, no arguments) is built here directly instead; any other selection goes the general way.
//! The schema does not change: the page is registered as `[User!]!`, and both ways give the same
//! answer (`page_tests.rs` compares them).

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::resolve_list;
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ScalarType, ServerResult, Value,
};

use super::types::User;
use crate::graphql::DateTime;

/// A page of users, as `users` returns it.
pub struct UserPage(pub Vec<User>);

/// The fields of `User`, as a selection names them.
#[derive(Clone, Copy)]
enum UserField {
    Id,
    Email,
    CreatedAt,
    UpdatedAt,
    Typename,
}

impl UserField {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Self::Id,
            "email" => Self::Email,
            "createdAt" => Self::CreatedAt,
            "updatedAt" => Self::UpdatedAt,
            "__typename" => Self::Typename,
            _ => return None,
        })
    }

    fn value(self, user: &domain::User) -> Value {
        match self {
            Self::Id => Value::String(user.id.to_string()),
            Self::Email => Value::String(user.email.as_str().to_owned()),
            Self::CreatedAt => DateTime(user.created_at).to_value(),
            Self::UpdatedAt => DateTime(user.updated_at).to_value(),
            Self::Typename => Value::String("User".to_owned()),
        }
    }
}

/// Each selected field with its response key, when the selection is plain; `None` sends the page the
/// general way.
fn plain_selection(selection_set: &SelectionSet) -> Option<Vec<(Name, UserField)>> {
    selection_set
        .items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                if !field.directives.is_empty()
                    || !field.arguments.is_empty()
                    || !field.selection_set.node.items.is_empty()
                {
                    return None;
                }
                let key = field.response_key().node.clone();
                UserField::named(field.name.node.as_str()).map(|f| (key, f))
            }
            Selection::FragmentSpread(_) | Selection::InlineFragment(_) => None,
        })
        .collect()
}

impl OutputType for UserPage {
    fn type_name() -> Cow<'static, str> {
        <Vec<User> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<User> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<User> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let Some(selected) = plain_selection(&ctx.item.node) else {
            return resolve_list(ctx, field, &self.0, Some(self.0.len())).await;
        };
        let rows = self
            .0
            .iter()
            .map(|User(user)| {
                let mut object = IndexMap::with_capacity(selected.len());
                for (key, field) in &selected {
                    object.insert(key.clone(), field.value(user));
                }
                Value::Object(object)
            })
            .collect();
        Ok(Value::List(rows))
    }
}

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
