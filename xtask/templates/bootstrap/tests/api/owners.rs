//! Each row belongs to the caller who created it: another caller can neither see nor change it, and is
//! told exactly what they would be told of a row that does not exist.

use serde_json::json;

use crate::helpers::{ALICE, BOB, TestApp, error_code, full_input, on_both_stores};

on_both_stores!(another_callers_rows_are_invisible_and_untouchable);

async fn another_callers_rows_are_invisible_and_untouchable(app: &TestApp) {
    let alices = app.create(ALICE, full_input()).await;
    let id = alices["id"].clone();
    let bobs = app.create(BOB, full_input()).await;
    assert_eq!(bobs["ownerId"], "2");

    let read = app.read(Some(BOB), &id).await;
    assert!(read["errors"].is_null(), "{read}");
    assert!(read["data"]["{{ entity.camel }}"].is_null(), "null, as for a missing row: {read}");
    assert_eq!(app.page(BOB, None, None).await, [bobs["id"].clone()]);

    let updated = app.update(Some(BOB), &id, json!({})).await;
    assert_eq!(error_code(&updated), Some("NOT_FOUND"), "{updated}");
    let deleted = app.delete(Some(BOB), &id).await;
    assert_eq!(error_code(&deleted), Some("NOT_FOUND"), "{deleted}");

    let still = app.read(Some(ALICE), &id).await;
    assert_eq!(still["data"]["{{ entity.camel }}"], alices, "untouched: {still}");
    assert_eq!(app.page(ALICE, None, None).await, [id]);
}
