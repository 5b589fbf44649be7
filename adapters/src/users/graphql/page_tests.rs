//! The page built directly must answer exactly as async-graphql's own list of `User` objects, for
//! plain selections and for every selection that goes the general way.

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use chrono::{TimeZone, Utc};
use domain::{Email, PasswordHash, UserId};

use super::*;

fn users() -> Vec<User> {
    (1..=3)
        .map(|n| {
            User(domain::User {
                id: UserId::try_new(n).expect("id"),
                email: Email::parse(&format!("u{n}@example.com")).expect("email"),
                password_hash: PasswordHash::new("h".to_owned()),
                password_version: 1,
                created_at: Utc.timestamp_millis_opt(1_700_000_000_123 + n).unwrap(),
                updated_at: Utc.timestamp_millis_opt(1_700_000_100_456 + n).unwrap(),
            })
        })
        .collect()
}

struct Query;

#[Object]
impl Query {
    async fn page(&self) -> UserPage {
        UserPage(users())
    }

    async fn list(&self) -> Vec<User> {
        users()
    }
}

async fn both(selection: &str) -> (serde_json::Value, serde_json::Value) {
    let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
    // Validation refuses unused variables and fragments, so each is declared only where used.
    let variables = if selection.contains('$') {
        "($yes: Boolean = true, $no: Boolean = false)"
    } else {
        ""
    };
    let fragments = if selection.contains("...F") {
        "fragment F on User { email createdAt }"
    } else {
        ""
    };
    let run = |field: &str| {
        let query = format!("query{variables} {{ {field} {selection} }} {fragments}");
        let schema = schema.clone();
        async move {
            let response = schema.execute(query.as_str()).await;
            assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
            response.data.into_json().expect("JSON")
        }
    };
    let page = run("page").await;
    let list = run("list").await;
    (page["page"].clone(), list["list"].clone())
}

#[tokio::test]
async fn every_selection_answers_as_the_general_list_does() {
    for selection in [
        "{ id }",
        "{ id email createdAt updatedAt }",
        "{ updatedAt id }",
        "{ __typename id }",
        "{ a: id b: email c: id }",
        "{ id id email }",
        "{ id ...F }",
        "{ ... on User { id updatedAt } email }",
        "{ id email @skip(if: $yes) createdAt @include(if: $no) updatedAt @include(if: $yes) }",
        "{ x: __typename ...F ... { id } }",
    ] {
        let (page, list) = both(selection).await;
        assert_eq!(page, list, "{selection}");
        assert_eq!(
            page.as_array().map(Vec::len),
            Some(3),
            "{selection}: {page}"
        );
    }
}

#[test]
fn the_page_is_registered_as_a_list_of_users() {
    assert_eq!(UserPage::qualified_type_name(), "[User!]!");
    let sdl = Schema::new(Query, EmptyMutation, EmptySubscription).sdl();
    assert!(sdl.contains("page: [User!]!"), "{sdl}");
    assert!(sdl.contains("list: [User!]!"), "{sdl}");
}

/// Which selections take the direct way: without this, the comparison above could pass with every
/// selection going the general way.
#[test]
fn only_plain_fields_of_user_take_the_direct_way() {
    let direct = |selection: &str| {
        let document = async_graphql::parser::parse_query(format!(
            "query($c: Boolean!) {{ page {selection} }} fragment F on User {{ id }}"
        ))
        .expect("parsed");
        let operation = document.operations.iter().next().expect("one").1;
        let Selection::Field(page) = &operation.node.selection_set.node.items[0].node else {
            panic!("a field");
        };
        plain_selection(&page.node.selection_set.node).map(|fields| fields.len())
    };
    assert_eq!(direct("{ id email createdAt updatedAt }"), Some(4));
    assert_eq!(direct("{ a: id __typename }"), Some(2));
    for general in [
        "{ id ...F }",
        "{ ... on User { id } }",
        "{ id @include(if: $c) }",
        "{ nope }",
    ] {
        assert_eq!(direct(general), None, "{general}");
    }
}
