{% import "_macros.j2" as m %}
//! A {{ entity.prose }}'s fields as a client sent them, and the rules that turn them into fields. Every
//! broken rule of every field is reported at once, under the field's GraphQL name.

{% if has.timestamp %}
use chrono::{DateTime, Utc};

{% endif %}
use super::{{ entity.pascal }}Fields;
use crate::ValidationErrors;
use crate::fields::{{ '{' }}{{ draft_imports | join(", ") }}{{ '}' }};

/// `create{{ entity.pascal }}`'s fields as a client sent them: text as text, timestamps as RFC 3339
/// text, which the rules parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct {{ entity.pascal }}Draft {
{% for f in fields %}
    pub {{ f.name }}: {{ m.raw_type(f) }},
{% endfor %}
}

impl {{ entity.pascal }}Draft {
    /// # Errors
    /// Every broken rule of every field.
    pub fn parse(self) -> Result<{{ entity.pascal }}Fields, ValidationErrors> {
{% if has.create_breakable %}
        let mut errors = ValidationErrors::new();
{% for f in fields if f.breaks_on_create %}
{% if f.optional %}
        let parsed_{{ f.name }} = optional_value("{{ f.camel }}", self.{{ f.name }}.as_deref(), {{ m.parser(f) }}, &mut errors);
{% else %}
        let parsed_{{ f.name }} = value("{{ f.camel }}", &self.{{ f.name }}, {{ m.parser(f) }}, &mut errors);
{% endif %}
{% endfor %}
{% for f in fields if f.breaks_on_create %}
        let Some(parsed_{{ f.name }}) = parsed_{{ f.name }} else {
            return Err(errors);
        };
{% endfor %}
{% endif %}
        Ok({{ entity.pascal }}Fields {
{% for f in fields %}
{% if f.breaks_on_create %}
            {{ f.name }}: parsed_{{ f.name }},
{% else %}
            {{ f.name }}: self.{{ f.name }},
{% endif %}
{% endfor %}
        })
    }
}

/// `update{{ entity.pascal }}`'s fields as a client sent them: each left out (keep), `null` (clear), or
/// a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct {{ entity.pascal }}PatchDraft {
{% for f in fields %}
    pub {{ f.name }}: Change<{{ m.raw_base(f) }}>,
{% endfor %}
}

/// What an update changes, each field within its rules: a required field is kept (`None`) or set; an
/// optional one may also be cleared.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct {{ entity.pascal }}Patch {
{% for f in fields %}
{% if f.optional %}
    pub {{ f.name }}: Change<{{ m.base_type(f) }}>,
{% else %}
    pub {{ f.name }}: Option<{{ m.base_type(f) }}>,
{% endif %}
{% endfor %}
}

impl {{ entity.pascal }}PatchDraft {
    /// # Errors
    /// Every broken rule of every field, a required field set to `null` among them.
    pub fn parse(self) -> Result<{{ entity.pascal }}Patch, ValidationErrors> {
{% if has.update_breakable %}
        let mut errors = ValidationErrors::new();
{% endif %}
{% for f in fields if f.breaks_on_update %}
{% if f.breaks_on_create and f.optional %}
        let parsed_{{ f.name }} = value_change("{{ f.camel }}", self.{{ f.name }}, {{ m.parser(f) }}, &mut errors);
{% elif f.breaks_on_create %}
        let parsed_{{ f.name }} = required_value_change("{{ f.camel }}", self.{{ f.name }}, {{ m.parser(f) }}, &mut errors);
{% else %}
        let parsed_{{ f.name }} = required_change("{{ f.camel }}", self.{{ f.name }}, &mut errors);
{% endif %}
{% endfor %}
{% for f in fields if f.breaks_on_update %}
        let Some(parsed_{{ f.name }}) = parsed_{{ f.name }} else {
            return Err(errors);
        };
{% endfor %}
        Ok({{ entity.pascal }}Patch {
{% for f in fields %}
{% if f.breaks_on_update %}
            {{ f.name }}: parsed_{{ f.name }},
{% else %}
            {{ f.name }}: self.{{ f.name }},
{% endif %}
{% endfor %}
        })
    }
}
