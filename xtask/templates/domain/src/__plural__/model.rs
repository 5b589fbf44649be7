{% import "_macros.j2" as m %}
//! A {{ entity.prose }} as stored, and the change detection of an update.

use chrono::{DateTime, Utc};

use super::{{ entity.pascal }}Patch;
{% if has.optional %}
use crate::fields::Change;
{% endif %}
{% if has.string %}
use crate::fields::Text;
{% endif %}
use crate::{CallerId, Id};

/// A database-generated {{ entity.prose }} id.
pub type {{ entity.pascal }}Id = Id<{{ entity.pascal }}>;

/// A {{ entity.prose }} as stored: its fields, the caller who created it, and when it was created and
/// last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct {{ entity.pascal }} {
    pub id: {{ entity.pascal }}Id,
    pub owner_id: CallerId,
    pub fields: {{ entity.pascal }}Fields,
    pub created_at: DateTime<Utc>,
    /// Moves only when a field changes.
    pub updated_at: DateTime<Utc>,
}

/// Every field a client sets, each within its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct {{ entity.pascal }}Fields {
{% for f in fields %}
    pub {{ f.name }}: {{ m.valid_type(f) }},
{% endfor %}
}

impl {{ entity.pascal }}Fields {
    /// The fields once `patch` is applied, or `None` when it changes nothing: then nothing is written
    /// and `updatedAt` does not move, so a retried or repeated update is harmless.
    pub fn apply(&self, patch: &{{ entity.pascal }}Patch) -> Option<Self> {
        let mut next = self.clone();
{% for f in fields %}
{% set value %}{% if f.kind == "string" %}value.clone(){% else %}*value{% endif %}{% endset %}
{% if f.optional %}
        match &patch.{{ f.name }} {
            Change::Keep => {}
            Change::Clear => next.{{ f.name }} = None,
            Change::Set(value) => next.{{ f.name }} = Some({{ value }}),
        }
{% else %}
        if let Some(value) = &patch.{{ f.name }} {
            next.{{ f.name }} = {{ value }};
        }
{% endif %}
{% endfor %}
        (next != *self).then_some(next)
    }
}
