{% import "_macros.j2" as m %}
{% if has.timestamp %}
use chrono::{DateTime, Utc};
{% endif %}
use proptest::prelude::*;

use super::*;
use crate::fields::Change;
{% if has.string %}
use crate::fields::Text;
{% endif %}

{% if has.timestamp %}
/// An instant with sub-millisecond digits, which the rules drop.
fn at(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(1_700_000_000_000_000 + micros).expect("in range")
}
{% endif %}
fn draft() -> {{ entity.pascal }}Draft {
    {{ entity.pascal }}Draft {
{% for f in fields %}
        {{ f.name }}: {{ m.raw_value(f, "one") }},
{% endfor %}
    }
}

fn fields() -> {{ entity.pascal }}Fields {
    draft().parse().expect("a valid draft")
}

#[test]
fn a_valid_draft_becomes_fields_trimmed_and_to_the_millisecond() {
    let parsed = fields();
{% for f in fields %}
{% set got %}parsed.{{ f.name }}{% if f.optional %}.expect("set"){% endif %}{% endset %}
{% if f.kind == "string" %}
    assert_eq!({{ got }}.as_str(), "{{ f.camel }} one");
{% elif f.kind == "timestamp" %}
    assert_eq!({{ got }}, at(123_456_000), "microseconds are dropped");
{% elif f.kind == "bool" %}
    assert!({{ got }});
{% else %}
    assert_eq!({{ got }}, {{ m.raw_sample(f, "one") }});
{% endif %}
{% endfor %}
}
{% if has.optional %}

#[test]
fn optional_fields_may_be_left_out() {
    let parsed = {{ entity.pascal }}Draft {
{% for f in fields %}
{% if f.optional %}
        {{ f.name }}: None,
{% endif %}
{% endfor %}
{% if has.required %}
        ..draft()
{% endif %}
    }
    .parse()
    .expect("valid");
{% for f in fields if f.optional %}
    assert_eq!(parsed.{{ f.name }}, None);
{% endfor %}
}
{% endif %}
{% if has.string %}

#[test]
fn every_broken_text_rule_of_every_field_is_reported_under_its_graphql_name() {
    let errors = {{ entity.pascal }}Draft {
{% for f in fields if f.kind == "string" %}
        {{ f.name }}: {% if f.optional %}Some("   ".to_owned()){% else %}"   ".to_owned(){% endif %},
{% endfor %}
{% if string_fields | length < fields | length %}
        ..draft()
{% endif %}
    }
    .parse()
    .expect_err("blank text");
    let named: Vec<(&str, Vec<&str>)> = errors
        .fields()
        .iter()
        .map(|f| (f.field, f.violations.iter().map(|v| v.rule).collect()))
        .collect();
    assert_eq!(
        named,
        [
{% for f in fields if f.kind == "string" %}
            ("{{ f.camel }}", vec!["isNotEmpty"]),
{% endfor %}
        ]
    );
}

#[test]
fn text_over_a_thousand_characters_is_refused_and_nul_too() {
    let long = "x".repeat(1_001);
{% set f = string_fields[0] %}
    let errors = {{ entity.pascal }}Draft {
        {{ f.name }}: {% if f.optional %}Some(format!("{long}\0")){% else %}format!("{long}\0"){% endif %},
{% if fields | length > 1 %}
        ..draft()
{% endif %}
    }
    .parse()
    .expect_err("too long");
    let rules: Vec<&str> = errors.fields()[0].violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["maxLength", "noNul"]);
}
{% endif %}

#[test]
fn a_patch_that_keeps_everything_changes_nothing() {
    let patch = {{ entity.pascal }}PatchDraft::default().parse().expect("valid");
    assert_eq!(fields().apply(&patch), None);
}

#[test]
fn setting_every_field_to_its_current_value_changes_nothing() {
    let current = fields();
    assert_eq!(current.apply(&patch_to(&current)), None);
}

#[test]
fn a_changed_field_is_a_change() {
    let current = fields();
{% set f = fields[0] %}
    let patch = {{ entity.pascal }}PatchDraft {
        {{ f.name }}: Change::Set({{ m.raw_sample(f, "other") }}),
{% if fields | length > 1 %}
        ..Default::default()
{% endif %}
    }
    .parse()
    .expect("valid");
    let next = current.apply(&patch).expect("a change");
    assert_ne!(next.{{ f.name }}, current.{{ f.name }});
{% for g in fields if g.name != f.name %}
    assert_eq!(next.{{ g.name }}, current.{{ g.name }}, "the others are kept");
{% endfor %}
}
{% if has.required %}

#[test]
fn a_required_field_set_to_null_is_refused_naming_it() {
{% set f = required_fields[0] %}
    let errors = {{ entity.pascal }}PatchDraft {
        {{ f.name }}: Change::Clear,
{% if fields | length > 1 %}
        ..Default::default()
{% endif %}
    }
    .parse()
    .expect_err("null for a required field");
    assert_eq!(errors.fields()[0].field, "{{ f.camel }}");
    assert_eq!(errors.fields()[0].violations[0].rule, "isDefined");
}
{% endif %}
{% if has.optional %}

#[test]
fn null_clears_an_optional_field() {
{% set f = optional_fields[0] %}
    let patch = {{ entity.pascal }}PatchDraft {
        {{ f.name }}: Change::Clear,
{% if fields | length > 1 %}
        ..Default::default()
{% endif %}
    }
    .parse()
    .expect("valid");
    let next = fields().apply(&patch).expect("a change");
    assert_eq!(next.{{ f.name }}, None);
}
{% endif %}
{% if has.timestamp %}

#[test]
fn a_timestamp_that_is_not_rfc_3339_is_refused_naming_its_field() {
{% set f = timestamp_fields[0] %}
    let errors = {{ entity.pascal }}Draft {
        {{ f.name }}: {% if f.optional %}Some("next tuesday".to_owned()){% else %}"next tuesday".to_owned(){% endif %},
{% if fields | length > 1 %}
        ..draft()
{% endif %}
    }
    .parse()
    .expect_err("not a timestamp");
    assert_eq!(errors.fields()[0].field, "{{ f.camel }}");
    assert_eq!(errors.fields()[0].violations[0].rule, "isRfc3339");
}

#[test]
fn a_timestamp_that_differs_below_the_millisecond_is_no_change() {
{% set f = timestamp_fields[0] %}
    let current = fields();
    let patch = {{ entity.pascal }}PatchDraft {
        {{ f.name }}: Change::Set("2023-11-14T22:15:23.456999Z".to_owned()),
{% if fields | length > 1 %}
        ..Default::default()
{% endif %}
    }
    .parse()
    .expect("valid");
    assert_eq!(current.apply(&patch), None);
}
{% endif %}

/// The patch that sets every field to `target`'s value.
fn patch_to(target: &{{ entity.pascal }}Fields) -> {{ entity.pascal }}Patch {
    {{ entity.pascal }}Patch {
{% for f in fields %}
{% set value %}target.{{ f.name }}{% if f.kind == "string" %}.clone(){% endif %}{% endset %}
{% if f.optional %}
        {{ f.name }}: {{ value }}.map_or(Change::Clear, Change::Set),
{% else %}
        {{ f.name }}: Some({{ value }}),
{% endif %}
{% endfor %}
    }
}

{% macro strategy(f) -%}
{%- if f.kind == "string" -%}
{%- set s %}"[A-Za-z][A-Za-z0-9 ]{0,20}".prop_map(|raw| Text::parse(&raw).expect("starts with a letter")){% endset -%}
{%- elif f.kind == "int" -%}
{%- set s %}any::<i32>(){% endset -%}
{%- elif f.kind == "bool" -%}
{%- set s %}any::<bool>(){% endset -%}
{%- else -%}
{%- set s %}(0i64..4_000_000_000_000).prop_map(|ms| DateTime::from_timestamp_millis(ms).expect("in range")){% endset -%}
{%- endif -%}
{%- if f.optional %}proptest::option::of({{ s }}){% else %}{{ s }}{% endif -%}
{%- endmacro %}
/// Any fields within their rules.
fn any_fields() -> impl Strategy<Value = {{ entity.pascal }}Fields> {
    (
{% for chunk in fields | batch(6) %}
        (
{% for f in chunk %}
            {{ strategy(f) }},
{% endfor %}
        ),
{% endfor %}
    )
        .prop_map(|(
{% for chunk in fields | batch(6) %}
            (
{% for f in chunk %}
                v_{{ f.name }},
{% endfor %}
            ),
{% endfor %}
        )| {{ entity.pascal }}Fields {
{% for f in fields %}
            {{ f.name }}: v_{{ f.name }},
{% endfor %}
        })
}

proptest! {
    #[test]
    fn a_full_patch_yields_its_target_and_is_a_change_exactly_when_they_differ(
        current in any_fields(),
        target in any_fields(),
    ) {
        let expected = (current != target).then(|| target.clone());
        prop_assert_eq!(current.apply(&patch_to(&target)), expected);
    }

    #[test]
    fn applying_a_patch_twice_changes_nothing_the_second_time(
        current in any_fields(),
        target in any_fields(),
    ) {
        let patch = patch_to(&target);
        let once = current.apply(&patch).unwrap_or(current);
        prop_assert_eq!(once.apply(&patch), None);
    }
}
