//! The `{{ plural.snake }}` table on the embedded SQLite store. Timestamps are integer microseconds since
//! the epoch and booleans 0 or 1 (see the migration).

use application::ports::RepositoryError;
use application::{{ plural.snake }}::ports::{New{{ entity.pascal }}, {{ entity.pascal }}Repository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
{% if has.string %}
use domain::fields::Text;
{% endif %}
use domain::{CallerId, PageSize, {{ entity.pascal }}, {{ entity.pascal }}Fields, {{ entity.pascal }}Id};

use crate::sqlite::{SqliteStore, repository_error};

/// The columns every query returns. A macro, not a constant, so that the queries built from it with
/// `concat!` stay `&'static str`: sqlx takes no other SQL, which keeps input out of it.
macro_rules! columns {
    () => {
        "id, owner_id, {% for f in fields %}{{ f.name }}, {% endfor %}created_at, updated_at"
    };
}

#[derive(Debug, Clone)]
pub struct Sqlite{{ entity.pascal }}Repository {
    store: SqliteStore,
}

impl Sqlite{{ entity.pascal }}Repository {
    pub fn new(store: SqliteStore) -> Self {
        Self { store }
    }
}

#[derive(sqlx::FromRow)]
struct {{ entity.pascal }}Row {
    id: i64,
    owner_id: i64,
{% for f in fields %}
{% set t %}{% if f.kind == "string" %}String{% else %}i64{% endif %}{% endset %}
    {{ f.name }}: {% if f.optional %}Option<{{ t }}>{% else %}{{ t }}{% endif %},
{% endfor %}
    created_at: i64,
    updated_at: i64,
}

fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

fn corrupt(what: &str, value: i64) -> RepositoryError {
    RepositoryError::Unexpected(anyhow::anyhow!("stored {what} {value} is out of range"))
}

fn timestamp(column: &str, micros: i64) -> Result<DateTime<Utc>, RepositoryError> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| corrupt(column, micros))
}
{% if has.int %}

fn int(column: &str, stored: i64) -> Result<i32, RepositoryError> {
    i32::try_from(stored).map_err(|_| corrupt(column, stored))
}
{% endif %}
{% if has.bool %}

fn boolean(column: &str, stored: i64) -> Result<bool, RepositoryError> {
    match stored {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(corrupt(column, other)),
    }
}
{% endif %}

impl TryFrom<{{ entity.pascal }}Row> for {{ entity.pascal }} {
    type Error = RepositoryError;

    fn try_from(row: {{ entity.pascal }}Row) -> Result<Self, Self::Error> {
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
{% set convert %}{% if f.kind == "int" %}int{% elif f.kind == "bool" %}boolean{% else %}timestamp{% endif %}{% endset %}
{% if f.optional %}
                {{ f.name }}: row
                    .{{ f.name }}
                    .map(|stored| {{ convert }}("{{ f.name }}", stored))
                    .transpose()?,
{% else %}
                {{ f.name }}: {{ convert }}("{{ f.name }}", row.{{ f.name }})?,
{% endif %}
{% endif %}
{% endfor %}
            },
            created_at: timestamp("created_at", row.created_at)?,
            updated_at: timestamp("updated_at", row.updated_at)?,
        })
    }
}

fn to_{{ entity.snake }}(row: Option<{{ entity.pascal }}Row>) -> Result<Option<{{ entity.pascal }}>, RepositoryError> {
    row.map({{ entity.pascal }}::try_from).transpose()
}

{% macro bind(f, source) -%}
{%- set v %}{{ source }}.{{ f.name }}{% endset -%}
{%- if f.kind == "string" and f.optional %}.bind({{ v }}.as_ref().map(Text::as_str))
{%- elif f.kind == "string" %}.bind({{ v }}.as_str())
{%- elif f.kind == "int" %}.bind({% if f.optional %}{{ v }}.map(i64::from){% else %}i64::from({{ v }}){% endif %})
{%- elif f.kind == "bool" %}.bind({% if f.optional %}{{ v }}.map(i64::from){% else %}i64::from({{ v }}){% endif %})
{%- else %}.bind({% if f.optional %}{{ v }}.map(micros){% else %}micros({{ v }}){% endif %})
{%- endif -%}
{%- endmacro %}
#[async_trait]
impl {{ entity.pascal }}Repository for Sqlite{{ entity.pascal }}Repository {
    async fn create(&self, new: New{{ entity.pascal }}) -> Result<{{ entity.pascal }}, RepositoryError> {
        let sql = concat!(
            "INSERT INTO {{ plural.snake }} (owner_id, {% for f in fields %}{{ f.name }}, {% endfor %}created_at, updated_at) \
             VALUES (?1, {% for f in fields %}?{{ loop.index + 1 }}, {% endfor %}?{{ fields | length + 2 }}, ?{{ fields | length + 2 }}) RETURNING ", columns!(), ""
        );
        let row: {{ entity.pascal }}Row = self
            .store
            .write(|pool| async move {
                sqlx::query_as(sql)
                    .bind(new.owner_id.get())
{% for f in fields %}
                    {{ bind(f, "new.fields") }}
{% endfor %}
                    .bind(micros(new.created_at))
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
        let sql = concat!("SELECT ", columns!(), " FROM {{ plural.snake }} WHERE owner_id = ?1 AND id = ?2");
        let row = self
            .store
            .read(|pool| async move {
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
            "SELECT ", columns!(), " FROM {{ plural.snake }} WHERE owner_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        );
        let rows: Vec<{{ entity.pascal }}Row> = self
            .store
            .read(|pool| async move {
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
        // The WHERE on updated_at is the compare-and-set; max() keeps updated_at moving by a millisecond
        // (1,000 µs) even if this clock is behind the one that wrote last, as the PostgreSQL adapter does.
        let sql = concat!(
            "UPDATE {{ plural.snake }} SET {% for f in fields %}{{ f.name }} = ?{{ loop.index + 3 }}, {% endfor %}\
             updated_at = max(?{{ fields | length + 4 }}, updated_at + 1000) \
             WHERE id = ?1 AND owner_id = ?2 AND updated_at = ?3 RETURNING ", columns!(), ""
        );
        let row = self
            .store
            .write(|pool| async move {
                sqlx::query_as(sql)
                    .bind(current.id.get())
                    .bind(current.owner_id.get())
                    .bind(micros(current.updated_at))
{% for f in fields %}
                    {{ bind(f, "fields") }}
{% endfor %}
                    .bind(micros(at))
                    .fetch_optional(pool)
                    .await
                    .map_err(repository_error)
            })
            .await?;
        to_{{ entity.snake }}(row)
    }

    async fn delete(&self, owner: CallerId, id: {{ entity.pascal }}Id) -> Result<bool, RepositoryError> {
        self.store
            .write(|pool| async move {
                let deleted = sqlx::query("DELETE FROM {{ plural.snake }} WHERE owner_id = ?1 AND id = ?2")
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
