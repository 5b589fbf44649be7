use async_graphql::{Context, ID, MaybeUndefined, Object, Result};
use domain::fields::Change;
use domain::{ {{- entity.pascal }}Draft, {{ entity.pascal }}PatchDraft};

use super::Shared{{ plural.pascal }};
use super::types::{Create{{ entity.pascal }}Input, Update{{ entity.pascal }}Input, {{ entity.pascal }}};
use crate::graphql::{IntoGraphQlError, require_caller};

/// The {{ plural.snake }} module's root mutations, merged into the service's `Mutation`.
#[derive(Debug, Default)]
pub struct {{ plural.pascal }}Mutation;

#[Object]
impl {{ plural.pascal }}Mutation {
    /// Creates a {{ entity.prose }} owned by the caller.
    #[graphql(name = "create{{ entity.pascal }}")]
    async fn create_{{ entity.snake }}(
        &self,
        ctx: &Context<'_>,
        input: Create{{ entity.pascal }}Input,
    ) -> Result<{{ entity.pascal }}> {
        let caller = require_caller(ctx).await?;
        let draft = {{ entity.pascal }}Draft {
{% for f in fields %}
{% if f.kind == "timestamp" and f.optional %}
            {{ f.name }}: input.{{ f.name }}.map(|text| text.0),
{% elif f.kind == "timestamp" %}
            {{ f.name }}: input.{{ f.name }}.0,
{% else %}
            {{ f.name }}: input.{{ f.name }},
{% endif %}
{% endfor %}
        };
        let created = use_cases(ctx)?
            .create_{{ entity.snake }}(&caller, draft)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok({{ entity.pascal }}(created))
    }

    /// Changes the caller's {{ entity.prose }}: a field left out stays, null clears an optional one.
    #[graphql(name = "update{{ entity.pascal }}")]
    async fn update_{{ entity.snake }}(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: Update{{ entity.pascal }}Input,
    ) -> Result<{{ entity.pascal }}> {
        let caller = require_caller(ctx).await?;
        let patch = {{ entity.pascal }}PatchDraft {
{% for f in fields %}
{% if f.kind == "timestamp" %}
            {{ f.name }}: change(input.{{ f.name }}).map(|text| text.0),
{% else %}
            {{ f.name }}: change(input.{{ f.name }}),
{% endif %}
{% endfor %}
        };
        let updated = use_cases(ctx)?
            .update_{{ entity.snake }}(&caller, &id, patch)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok({{ entity.pascal }}(updated))
    }

    /// Deletes the caller's {{ entity.prose }}; true once it is gone.
    #[graphql(name = "delete{{ entity.pascal }}")]
    async fn delete_{{ entity.snake }}(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let caller = require_caller(ctx).await?;
        use_cases(ctx)?
            .delete_{{ entity.snake }}(&caller, &id)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(true)
    }
}

/// A field left out keeps its value; `null` clears it.
fn change<T>(value: MaybeUndefined<T>) -> Change<T> {
    match value {
        MaybeUndefined::Undefined => Change::Keep,
        MaybeUndefined::Null => Change::Clear,
        MaybeUndefined::Value(value) => Change::Set(value),
    }
}

fn use_cases<'a>(ctx: &Context<'a>) -> Result<&'a Shared{{ plural.pascal }}> {
    ctx.data::<Shared{{ plural.pascal }}>()
}
