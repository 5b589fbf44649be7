{% import "_macros.j2" as m %}
//! The GraphQL shapes of the module's values. Fields are snake_case in Rust and SQL and camelCase here,
//! named explicitly so that they are exactly the names field errors report.

use async_graphql::{ID, InputObject, MaybeUndefined, Object};

use crate::graphql::DateTime;
{% if has.timestamp %}
use crate::graphql::DateTimeText;
{% endif %}

/// One of the caller's own {{ plural.prose }}.
pub struct {{ entity.pascal }}(pub domain::{{ entity.pascal }});

#[Object(name = "{{ entity.pascal }}")]
impl {{ entity.pascal }} {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
{% for f in fields %}

    #[graphql(name = "{{ f.camel }}")]
{% if f.kind == "string" %}
    async fn {{ f.name }}(&self) -> {% if f.optional %}Option<&str>{% else %}&str{% endif %} {
        self.0.fields.{{ f.name }}{% if f.optional %}.as_ref().map(domain::fields::Text::as_str){% else %}.as_str(){% endif %}

    }
{% elif f.kind == "timestamp" %}
    async fn {{ f.name }}(&self) -> {% if f.optional %}Option<DateTime>{% else %}DateTime{% endif %} {
        {% if f.optional %}self.0.fields.{{ f.name }}.map(DateTime){% else %}DateTime(self.0.fields.{{ f.name }}){% endif %}

    }
{% else %}
    async fn {{ f.name }}(&self) -> {{ m.valid_type(f) }} {
        self.0.fields.{{ f.name }}
    }
{% endif %}
{% endfor %}

    #[graphql(name = "ownerId")]
    async fn owner_id(&self) -> ID {
        ID(self.0.owner_id.to_string())
    }

    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A new {{ entity.prose }}'s fields.
#[derive(InputObject)]
#[graphql(name = "Create{{ entity.pascal }}Input")]
pub struct Create{{ entity.pascal }}Input {
{% for f in fields %}
    #[graphql(name = "{{ f.camel }}")]
    pub {{ f.name }}: {% if f.optional %}Option<{{ m.gql_input_base(f) }}>{% else %}{{ m.gql_input_base(f) }}{% endif %},
{% endfor %}
}

/// The fields to change: a field left out stays as it is, and `null` clears an optional one.
#[derive(InputObject)]
#[graphql(name = "Update{{ entity.pascal }}Input")]
pub struct Update{{ entity.pascal }}Input {
{% for f in fields %}
    #[graphql(name = "{{ f.camel }}")]
    pub {{ f.name }}: MaybeUndefined<{{ m.gql_input_base(f) }}>,
{% endfor %}
}
