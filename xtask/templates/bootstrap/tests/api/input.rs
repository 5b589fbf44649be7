//! Bad input gets `BAD_USER_INPUT`, naming every field as GraphQL names it and every rule it broke,
//! and nothing is written.

use serde_json::{Value, json};

use crate::helpers::{
    ALICE, CREATE, TestApp, broken_fields, error_code, full_input, on_both_stores,
};

on_both_stores!(
{% if has.string %}
    every_broken_text_rule_is_named_and_nothing_is_written,
{% endif %}
{% if has.required %}
    a_required_field_set_to_null_is_refused,
{% endif %}
    ids_that_are_not_ids_are_bad_user_input,
    values_of_the_wrong_type_are_refused_naming_the_field,
);
{% if has.string %}

async fn every_broken_text_rule_is_named_and_nothing_is_written(app: &TestApp) {
    let mut input = full_input();
{% for f in string_fields %}
    input["{{ f.camel }}"] = json!({% if loop.first %}"   "{% else %}"x".repeat(1_001){% endif %});
{% endfor %}
    let body = app
        .graphql_as(Some(ALICE), json!({ "query": CREATE, "variables": { "input": input } }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(
        broken_fields(&body),
        [
{% for f in string_fields %}
            ("{{ f.camel }}".to_owned(), vec![{% if loop.first %}"isNotEmpty"{% else %}"maxLength"{% endif %}.to_owned()]),
{% endfor %}
        ]
    );
    assert!(app.page(ALICE, None, None).await.is_empty(), "nothing was written");
}
{% endif %}
{% if has.required %}

async fn a_required_field_set_to_null_is_refused(app: &TestApp) {
{% set f = required_fields[0] %}
    let created = app.create(ALICE, full_input()).await;
    let body = app
        .update(Some(ALICE), &created["id"], json!({ "{{ f.camel }}": null }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(
        broken_fields(&body),
        [("{{ f.camel }}".to_owned(), vec!["isDefined".to_owned()])]
    );
    let unchanged = app.read(Some(ALICE), &created["id"]).await;
    assert_eq!(unchanged["data"]["{{ entity.camel }}"], created, "nothing was written");
}
{% endif %}

async fn ids_that_are_not_ids_are_bad_user_input(app: &TestApp) {
    for id in ["abc", "0", "-1", "1e3", ""] {
        let id = Value::from(id);
        for body in [
            app.read(Some(ALICE), &id).await,
            app.update(Some(ALICE), &id, json!({})).await,
            app.delete(Some(ALICE), &id).await,
        ] {
            assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{id}: {body}");
            assert_eq!(
                broken_fields(&body),
                [("id".to_owned(), vec!["isId".to_owned()])],
                "{id}"
            );
        }
    }
    let body = app
        .query_as(Some(ALICE), r#"{ {{ plural.camel }}(after: "x") { id } }"#)
        .await;
    assert_eq!(
        broken_fields(&body),
        [("after".to_owned(), vec!["isId".to_owned()])]
    );
}

/// A variable that is not an input object is `BAD_USER_INPUT`; a field of the wrong type inside one
/// fails validation against the schema, as a wrong literal would, and the message names the field; a
/// timestamp that is not RFC 3339 is `BAD_USER_INPUT` naming its field and rule.
async fn values_of_the_wrong_type_are_refused_naming_the_field(app: &TestApp) {
    let body = app
        .graphql_as(Some(ALICE), json!({ "query": CREATE, "variables": { "input": [] } }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
{% if plain_fields %}
{% set f = plain_fields[0] %}
    let mut input = full_input();
    input["{{ f.camel }}"] = json!([1, 2]);
    let body = app
        .graphql_as(Some(ALICE), json!({ "query": CREATE, "variables": { "input": input } }))
        .await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("{{ f.camel }}"), "{body}");
{% endif %}
{% if has.timestamp %}
{% set t = timestamp_fields[0] %}
    let mut input = full_input();
    input["{{ t.camel }}"] = json!("next tuesday");
    let body = app
        .graphql_as(Some(ALICE), json!({ "query": CREATE, "variables": { "input": input } }))
        .await;
    // The domain parses timestamps, so a malformed one is named with its field and rule.
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(
        broken_fields(&body),
        [("{{ t.camel }}".to_owned(), vec!["isRfc3339".to_owned()])]
    );
{% endif %}
    assert!(app.page(ALICE, None, None).await.is_empty(), "nothing was written");
}
