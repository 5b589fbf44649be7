use async_graphql::{Context, ID, Object, Result};
use domain::PageSize;

use super::Shared{{ plural.pascal }};
use super::types::{{ entity.pascal }};
use crate::graphql::{IntoGraphQlError, require_caller};

/// The {{ plural.snake }} module's root queries, merged into the service's `Query`.
#[derive(Debug, Default)]
pub struct {{ plural.pascal }}Query;

#[Object]
impl {{ plural.pascal }}Query {
    /// The caller's {{ entity.prose }} with this id, or null.
    #[graphql(name = "{{ entity.camel }}")]
    async fn {{ entity.snake }}(&self, ctx: &Context<'_>, id: ID) -> Result<Option<{{ entity.pascal }}>> {
        let caller = require_caller(ctx).await?;
        let found = use_cases(ctx)?
            .{{ entity.snake }}(&caller, &id)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(found.map({{ entity.pascal }}))
    }

    /// The caller's {{ plural.prose }} in id order, `first` at a time (at most 1000), after id `after`.
    #[graphql(
        name = "{{ plural.camel }}",
        complexity = "usize::try_from(first.unwrap_or(100)).unwrap_or(0).saturating_mul(child_complexity).max(1)"
    )]
    async fn {{ plural.snake }}(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<{{ entity.pascal }}>> {
        let caller = require_caller(ctx).await?;
        // An explicit `first: null` means "the default".
        let first = first.map_or(i64::from(PageSize::DEFAULT), i64::from);
        let page = use_cases(ctx)?
            .{{ plural.snake }}(&caller, first, after.map(|id| id.0))
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(page.into_iter().map({{ entity.pascal }}).collect())
    }
}

fn use_cases<'a>(ctx: &Context<'a>) -> Result<&'a Shared{{ plural.pascal }}> {
    ctx.data::<Shared{{ plural.pascal }}>()
}
