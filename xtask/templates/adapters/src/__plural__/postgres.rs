//! The `{{ plural.snake }}` table on PostgreSQL.

use application::ports::RepositoryError;
use application::{{ plural.snake }}::ports::{New{{ entity.pascal }}, {{ entity.pascal }}Repository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
{% if has.string %}
use domain::fields::Text;
{% endif %}
use domain::{CallerId, PageSize, {{ entity.pascal }}, {{ entity.pascal }}Fields, {{ entity.pascal }}Id};

use crate::postgres::{PgStore, repository_error};

/// The columns every query returns. A macro, not a constant, so that the queries built from it with
/// `concat!` stay `&'static str`: sqlx takes no other SQL, which keeps input out of it.
macro_rules! columns {
    () => {
        "id, owner_id, {% for f in fields %}{{ f.name }}, {% endfor %}created_at, updated_at"
    };
}

#[derive(Debug, Clone)]
pub struct Pg{{ entity.pascal }}Repository {
    store: PgStore,
}

impl Pg{{ entity.pascal }}Repository {
    pub fn new(store: PgStore) -> Self {
        Self { store }
    }
}

#[derive(sqlx::FromRow)]
struct {{ entity.pascal }}Row {
    id: i64,
    owner_id: i64,
{% for f in fields %}
{% set t %}{% if f.kind == "string" %}String{% elif f.kind == "int" %}i32{% elif f.kind == "bool" %}bool{% else %}DateTime<Utc>{% endif %}{% endset %}
    {{ f.name }}: {% if f.optional %}Option<{{ t }}>{% else %}{{ t }}{% endif %},
{% endfor %}
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<{{ entity.pascal }}Row> for {{ entity.pascal }} {
    type Error = RepositoryError;

    fn try_from(row: {{ entity.pascal }}Row) -> Result<Self, Self::Error> {
        let corrupt = |what: &str, value: i64| {
            RepositoryError::Unexpected(anyhow::anyhow!("stored {what} {value} is not positive"))
        };
        Ok(Self {
            id: {{ entity.pascal }}Id::try_new(row.id).map_err(|_| corrupt("id", row.id))?,
            owner_id: CallerId::try_new(row.owner_id).map_err(|_| corrupt("owner_id", row.owner_id))?,
            fields: {{ entity.pascal }}Fields {
{% for f in fields %}
{% if f.kind == "string" and f.optional %}
                {{ f.name }}: row.{{ f.name }}.map(Text::from_trusted_storage),
{% elif f.kind == "string" %}
                {{ f.name }}: Text::from_trusted_storage(row.{{ f.name }}),
{% else %}
                {{ f.name }}: row.{{ f.name }},
{% endif %}
{% endfor %}
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn to_{{ entity.snake }}(row: Option<{{ entity.pascal }}Row>) -> Result<Option<{{ entity.pascal }}>, RepositoryError> {
    row.map({{ entity.pascal }}::try_from).transpose()
}

{% macro bind(f, source) -%}
{%- if f.kind == "string" and f.optional %}.bind({{ source }}.{{ f.name }}.as_ref().map(Text::as_str))
{%- elif f.kind == "string" %}.bind({{ source }}.{{ f.name }}.as_str())
{%- else %}.bind({{ source }}.{{ f.name }})
{%- endif -%}
{%- endmacro %}
#[async_trait]
impl {{ entity.pascal }}Repository for Pg{{ entity.pascal }}Repository {
    async fn create(&self, new: New{{ entity.pascal }}) -> Result<{{ entity.pascal }}, RepositoryError> {
        let sql = concat!(
            "INSERT INTO {{ plural.snake }} (owner_id, {% for f in fields %}{{ f.name }}, {% endfor %}created_at, updated_at) \
             VALUES ($1, {% for f in fields %}${{ loop.index + 1 }}, {% endfor %}${{ fields | length + 2 }}, ${{ fields | length + 2 }}) RETURNING ", columns!(), ""
        );
        let row: {{ entity.pascal }}Row = self
            .store
            .call(|pool| async move {
                sqlx::query_as(sql)
                    .bind(new.owner_id.get())
{% for f in fields %}
                    {{ bind(f, "new.fields") }}
{% endfor %}
                    .bind(new.created_at)
                    .fetch_one(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        {{ entity.pascal }}::try_from(row)
    }

    async fn find(
        &self,
        owner: CallerId,
        id: {{ entity.pascal }}Id,
    ) -> Result<Option<{{ entity.pascal }}>, RepositoryError> {
        let sql = concat!("SELECT ", columns!(), " FROM {{ plural.snake }} WHERE owner_id = $1 AND id = $2");
        let row = self
            .store
            .call(|pool| async move {
                sqlx::query_as(sql)
                    .bind(owner.get())
                    .bind(id.get())
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        to_{{ entity.snake }}(row)
    }

    async fn list(
        &self,
        owner: CallerId,
        after: Option<{{ entity.pascal }}Id>,
        first: PageSize,
    ) -> Result<Vec<{{ entity.pascal }}>, RepositoryError> {
        let sql = concat!(
            "SELECT ", columns!(), " FROM {{ plural.snake }} WHERE owner_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        );
        let rows: Vec<{{ entity.pascal }}Row> = self
            .store
            .call(|pool| async move {
                sqlx::query_as(sql)
                    .bind(owner.get())
                    .bind(after.map_or(0, {{ entity.pascal }}Id::get))
                    .bind(i64::from(first.get()))
                    .fetch_all(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        rows.into_iter().map({{ entity.pascal }}::try_from).collect()
    }

    async fn replace(
        &self,
        current: &{{ entity.pascal }},
        fields: &{{ entity.pascal }}Fields,
        at: DateTime<Utc>,
    ) -> Result<Option<{{ entity.pascal }}>, RepositoryError> {
        // The WHERE on updated_at is the compare-and-set; GREATEST keeps updated_at moving, by a
        // millisecond the API can show, even if this replica's clock is behind the one that wrote last.
        let sql = concat!(
            "UPDATE {{ plural.snake }} SET {% for f in fields %}{{ f.name }} = ${{ loop.index + 3 }}, {% endfor %}\
             updated_at = GREATEST(${{ fields | length + 4 }}, updated_at + interval '1 millisecond') \
             WHERE id = $1 AND owner_id = $2 AND updated_at = $3 RETURNING ", columns!(), ""
        );
        let row = self
            .store
            .call(|pool| async move {
                sqlx::query_as(sql)
                    .bind(current.id.get())
                    .bind(current.owner_id.get())
                    .bind(current.updated_at)
{% for f in fields %}
                    {{ bind(f, "fields") }}
{% endfor %}
                    .bind(at)
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        to_{{ entity.snake }}(row)
    }

    async fn delete(&self, owner: CallerId, id: {{ entity.pascal }}Id) -> Result<bool, RepositoryError> {
        self.store
            .call(|pool| async move {
                let deleted = sqlx::query("DELETE FROM {{ plural.snake }} WHERE owner_id = $1 AND id = $2")
                    .bind(owner.get())
                    .bind(id.get())
                    .execute(pool)
                    .await
                    .map_err(repository_error)?;
                Ok(deleted.rows_affected() > 0)
            })
            .await
    }
}
