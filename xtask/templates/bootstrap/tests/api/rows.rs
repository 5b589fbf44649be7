{% import "_macros.j2" as m %}
//! A caller's {{ plural.prose }} through every operation, as a client sees them.

use serde_json::json;

use crate::helpers::{
    ALICE, ALICE_ID, TestApp, error_code, fields_of, full_input, full_output, on_both_stores,
};

on_both_stores!(
    create_read_list_update_delete,
    an_update_that_changes_nothing_leaves_updated_at,
    pages_are_keyset_pages_of_at_most_a_thousand,
);

async fn create_read_list_update_delete(app: &TestApp) {
    let created = app.create(ALICE, full_input()).await;
    assert_eq!(fields_of(&created), full_output(), "{created}");
    assert_eq!(created["ownerId"], ALICE_ID);
    assert_eq!(created["createdAt"], created["updatedAt"]);
    let id = created["id"].clone();

    let read = app.read(Some(ALICE), &id).await;
    assert_eq!(read["data"]["{{ entity.camel }}"], created, "{read}");
    assert_eq!(app.page(ALICE, None, None).await, std::slice::from_ref(&id));

{% set f = fields[0] %}
    let changed = app
        .update(Some(ALICE), &id, json!({ "{{ f.camel }}": {{ m.gql_literal(f, "other") }} }))
        .await;
    assert!(changed["errors"].is_null(), "{changed}");
    let changed = &changed["data"]["update{{ entity.pascal }}"];
{% if f.kind == "timestamp" %}
    assert_eq!(changed["{{ f.camel }}"], "2023-11-14T22:29:47.654Z");
{% elif f.kind == "string" %}
    assert_eq!(changed["{{ f.camel }}"], "{{ f.camel }} other");
{% else %}
    assert_eq!(changed["{{ f.camel }}"], {{ m.gql_literal(f, "other") }});
{% endif %}
{% for g in fields[1:] %}
    assert_eq!(changed["{{ g.camel }}"], created["{{ g.camel }}"], "a field left out stays");
{% endfor %}
    assert_eq!(changed["createdAt"], created["createdAt"]);
    assert_ne!(changed["updatedAt"], created["updatedAt"], "a change moves updatedAt");
{% if has.optional %}
{% set o = optional_fields[0] %}

    let cleared = app.update(Some(ALICE), &id, json!({ "{{ o.camel }}": null })).await;
    assert!(cleared["errors"].is_null(), "{cleared}");
    assert!(
        cleared["data"]["update{{ entity.pascal }}"]["{{ o.camel }}"].is_null(),
        "null clears an optional field: {cleared}"
    );
{% endif %}

    let deleted = app.delete(Some(ALICE), &id).await;
    assert_eq!(deleted["data"]["delete{{ entity.pascal }}"], true, "{deleted}");
    let gone = app.read(Some(ALICE), &id).await;
    assert!(gone["errors"].is_null(), "{gone}");
    assert!(gone["data"]["{{ entity.camel }}"].is_null(), "{gone}");
    let again = app.delete(Some(ALICE), &id).await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "{again}");
}

async fn an_update_that_changes_nothing_leaves_updated_at(app: &TestApp) {
    let created = app.create(ALICE, full_input()).await;
    let id = created["id"].clone();
    for input in [json!({}), full_input()] {
        let body = app.update(Some(ALICE), &id, input).await;
        assert!(body["errors"].is_null(), "{body}");
        assert_eq!(
            body["data"]["update{{ entity.pascal }}"], created,
            "the same values again are no change: {body}"
        );
    }
}

async fn pages_are_keyset_pages_of_at_most_a_thousand(app: &TestApp) {
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.create(ALICE, full_input()).await["id"].clone());
    }
    assert_eq!(app.page(ALICE, Some(2), None).await, ids[..2]);
    assert_eq!(app.page(ALICE, Some(2), Some(&ids[1])).await, ids[2..]);
    assert!(app.page(ALICE, Some(0), None).await.is_empty());
    assert_eq!(app.page(ALICE, Some(1000), None).await, ids);
    let over = app
        .query_as(Some(ALICE), "{ {{ plural.camel }}(first: 1001) { id } }")
        .await;
    assert_eq!(error_code(&over), Some("BAD_USER_INPUT"), "{over}");
    assert_eq!(over["errors"][0]["extensions"]["fields"][0]["field"], "first");
}
