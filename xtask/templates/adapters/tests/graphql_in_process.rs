{% import "_macros.j2" as m %}
//! The GraphQL adapter driven in process: the real schema over mocked use cases and a mocked caller
//! identity, no HTTP and no database. These tests pin what a client sees (codes, field names, shapes)
//! and that every operation needs a session. A mock with no expectation for a method fails the test if
//! that method is called.

use std::sync::Arc;

use adapters::graphql::{RequestCredentials, SchemaSettings, build_schema};
use adapters::schema::AppSchema;
use adapters::{{ plural.snake }}::graphql::{{ plural.pascal }}Module;
use application::ports::{IdentityError, MockCallerIdentity};
use application::{
    Create{{ entity.pascal }}Error, Delete{{ entity.pascal }}Error, Mock{{ entity.pascal }}UseCases,
    Update{{ entity.pascal }}Error,
};
use chrono::TimeZone as _;
use chrono::Utc;
use domain::fields::Change;
use domain::{
    Caller, CallerId, ValidationErrors, Violation, {{ entity.pascal }}, {{ entity.pascal }}Draft,
    {{ entity.pascal }}Id,
};
use serde_json::{Value, json};

const TOKEN: &str = "a-session-token";

fn caller() -> Caller {
    Caller {
        id: CallerId::try_new(7).expect("positive"),
    }
}

/// An identity that vouches for `TOKEN` as caller 7, `times` times at most.
fn identity(times: usize) -> MockCallerIdentity {
    let mut identity = MockCallerIdentity::new();
    identity
        .expect_identify()
        .withf(|token| token == TOKEN)
        .times(times)
        .returning(|_| Ok(caller()));
    identity
}

fn schema(use_cases: Mock{{ entity.pascal }}UseCases, identity: MockCallerIdentity) -> AppSchema {
    build_schema(
        SchemaSettings {
            introspection: false,
        },
        Arc::new(identity),
        vec![Box::new({{ plural.pascal }}Module {
            use_cases: Arc::new(use_cases),
        })],
    )
}

async fn run(schema: &AppSchema, query: &str, token: Option<&str>) -> Value {
    let request = async_graphql::Request::new(query).data(RequestCredentials::new(token.map(str::to_owned)));
    serde_json::to_value(schema.execute(request).await).expect("a response serialises")
}

fn codes(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

fn stored() -> {{ entity.pascal }} {
    {{ entity.pascal }} {
        id: {{ entity.pascal }}Id::try_new(5).expect("positive"),
        owner_id: caller().id,
        fields: {{ entity.pascal }}Draft {
{% for f in fields %}
            {{ f.name }}: {{ m.raw_value(f, "one") }},
{% endfor %}
        }
        .parse()
        .expect("valid"),
        created_at: Utc.timestamp_opt(1_700_000_000, 0).single().expect("valid"),
        updated_at: Utc
            .timestamp_millis_opt(1_700_000_001_500)
            .single()
            .expect("valid"),
    }
}

/// Every operation, with its arguments.
const OPERATIONS: &[&str] = &[
    r#"{ {{ entity.camel }}(id: "5") { id } }"#,
    "{ {{ plural.camel }} { id } }",
    r#"mutation { create{{ entity.pascal }}(input: { {{ m.create_literal(fields) }} }) { id } }"#,
    r#"mutation { update{{ entity.pascal }}(id: "5", input: {}) { id } }"#,
    r#"mutation { delete{{ entity.pascal }}(id: "5") }"#,
];

#[tokio::test]
async fn every_operation_without_a_session_is_unauthenticated_and_runs_nothing() {
    let schema = schema(Mock{{ entity.pascal }}UseCases::new(), MockCallerIdentity::new());
    for operation in OPERATIONS {
        let body = run(&schema, operation, None).await;
        assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{operation}: {body}");
    }
}

#[tokio::test]
async fn a_refused_session_is_unauthenticated_and_an_authority_that_is_down_is_unavailable() {
    let mut refusing = MockCallerIdentity::new();
    refusing
        .expect_identify()
        .returning(|_| Err(IdentityError::Refused("expired".to_owned())));
    let body = run(
        &schema(Mock{{ entity.pascal }}UseCases::new(), refusing),
        OPERATIONS[0],
        Some(TOKEN),
    )
    .await;
    assert_eq!(codes(&body), ["UNAUTHENTICATED"], "{body}");

    let mut down = MockCallerIdentity::new();
    down.expect_identify().returning(|_| {
        Err(IdentityError::Unavailable(anyhow::anyhow!(
            "connect to 127.0.0.1:3000: connection refused"
        )))
    });
    let body = run(&schema(Mock{{ entity.pascal }}UseCases::new(), down), OPERATIONS[0], Some(TOKEN)).await;
    assert_eq!(codes(&body), ["UNAVAILABLE"], "{body}");
    assert!(!body.to_string().contains("127.0.0.1"), "the cause stays in the log: {body}");
}

#[tokio::test]
async fn the_typename_and_nothing_else_is_answered_without_a_session() {
    let body = run(
        &schema(Mock{{ entity.pascal }}UseCases::new(), MockCallerIdentity::new()),
        "{ __typename }",
        None,
    )
    .await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
}

#[tokio::test]
async fn aliased_fields_identify_the_caller_once_per_request() {
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases
        .expect_{{ entity.snake }}()
        .withf(|who, id| *who == caller() && id == "5")
        .times(3)
        .returning(|_, _| Ok(Some(stored())));
    let query = r#"{ a: {{ entity.camel }}(id: "5") { id } b: {{ entity.camel }}(id: "5") { id } c: {{ entity.camel }}(id: "5") { id } }"#;
    let body = run(&schema(use_cases, identity(1)), query, Some(TOKEN)).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["c"]["id"], "5");
}

#[tokio::test]
async fn a_row_has_a_string_id_camel_case_fields_and_utc_millisecond_timestamps() {
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases
        .expect_{{ entity.snake }}()
        .returning(|_, _| Ok(Some(stored())));
    let query = r#"{ {{ entity.camel }}(id: "5") { id {% for f in fields %}{{ f.camel }} {% endfor %}ownerId createdAt updatedAt } }"#;
    let body = run(&schema(use_cases, identity(1)), query, Some(TOKEN)).await;
    let row = &body["data"]["{{ entity.camel }}"];
    assert_eq!(row["id"], "5", "{body}");
    assert_eq!(row["ownerId"], "7");
    assert_eq!(row["createdAt"], "2023-11-14T22:13:20.000Z");
    assert_eq!(row["updatedAt"], "2023-11-14T22:13:21.500Z");
{% for f in fields %}
{% if f.kind == "string" %}
    assert_eq!(row["{{ f.camel }}"], "{{ f.camel }} one");
{% elif f.kind == "int" %}
    assert_eq!(row["{{ f.camel }}"], 7);
{% elif f.kind == "bool" %}
    assert_eq!(row["{{ f.camel }}"], true);
{% else %}
    assert_eq!(row["{{ f.camel }}"], "2023-11-14T22:15:23.456Z");
{% endif %}
{% endfor %}
}

#[tokio::test]
async fn an_unknown_row_is_null_without_errors() {
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases.expect_{{ entity.snake }}().returning(|_, _| Ok(None));
    let body = run(&schema(use_cases, identity(1)), OPERATIONS[0], Some(TOKEN)).await;
    assert!(body["errors"].is_null(), "{body}");
    assert!(body["data"]["{{ entity.camel }}"].is_null(), "{body}");
}

#[tokio::test]
async fn bad_input_is_bad_user_input_naming_each_field_and_rule() {
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases.expect_create_{{ entity.snake }}().returning(|_, _| {
        let mut errors = ValidationErrors::new();
        errors.add(
            "{{ fields[0].camel }}",
            vec![Violation {
                rule: "isNotEmpty",
                message: "must not be empty or only whitespace".to_owned(),
            }],
        );
        Err(Create{{ entity.pascal }}Error::InvalidInput(errors))
    });
    let body = run(&schema(use_cases, identity(1)), OPERATIONS[2], Some(TOKEN)).await;
    assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["fields"],
        json!([{ "field": "{{ fields[0].camel }}", "violations": [
            { "rule": "isNotEmpty", "message": "must not be empty or only whitespace" }
        ] }])
    );
}

#[tokio::test]
async fn update_passes_left_out_as_keep_null_as_clear_and_a_value_as_set() {
{% set f = fields[0] %}
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases
        .expect_update_{{ entity.snake }}()
        .withf(|_, id, patch| {
            id == "5"
                && patch.{{ f.name }} == Change::Set({{ m.raw_sample(f, "other") }})
{% for g in fields[1:] %}
                && patch.{{ g.name }} == {% if loop.first %}Change::Clear{% else %}Change::Keep{% endif %}

{% endfor %}
        })
        .times(1)
        .returning(|_, _, _| Ok(stored()));
{% if fields | length > 1 %}
{% set g = fields[1] %}
    let second = "{{ g.camel }}: null";
{% else %}
    let second = "";
{% endif %}
    let query = format!(
        r#"mutation {{ '{{' }} update{{ entity.pascal }}(id: "5", input: {{ '{{' }} {{ f.camel }}: {{ m.gql_literal(f, "other") }} {second} {{ '}}' }}) {{ '{{' }} id {{ '}}' }} {{ '}}' }}"#
    );
    let body = run(&schema(use_cases, identity(1)), &query, Some(TOKEN)).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn not_found_and_conflict_have_their_codes() {
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases
        .expect_update_{{ entity.snake }}()
        .returning(|_, _, _| Err(Update{{ entity.pascal }}Error::NotFound));
    use_cases
        .expect_delete_{{ entity.snake }}()
        .returning(|_, _| Err(Delete{{ entity.pascal }}Error::NotFound));
    let schema = schema(use_cases, identity(2));
    assert_eq!(codes(&run(&schema, OPERATIONS[3], Some(TOKEN)).await), ["NOT_FOUND"]);
    assert_eq!(codes(&run(&schema, OPERATIONS[4], Some(TOKEN)).await), ["NOT_FOUND"]);

    let mut racing = Mock{{ entity.pascal }}UseCases::new();
    racing
        .expect_update_{{ entity.snake }}()
        .returning(|_, _, _| Err(Update{{ entity.pascal }}Error::Conflict));
    let body = run(&self::schema(racing, identity(1)), OPERATIONS[3], Some(TOKEN)).await;
    assert_eq!(codes(&body), ["CONFLICT"], "{body}");
}

#[tokio::test]
async fn a_failing_store_is_an_opaque_internal_error() {
    let mut use_cases = Mock{{ entity.pascal }}UseCases::new();
    use_cases.expect_delete_{{ entity.snake }}().returning(|_, _| {
        Err(Delete{{ entity.pascal }}Error::Unexpected(anyhow::anyhow!(
            "sqlx: relation \"{{ plural.snake }}\" does not exist"
        )))
    });
    let body = run(&schema(use_cases, identity(1)), OPERATIONS[4], Some(TOKEN)).await;
    assert_eq!(codes(&body), ["INTERNAL_SERVER_ERROR"], "{body}");
    assert!(!body.to_string().contains("sqlx"), "{body}");
}

#[tokio::test]
async fn documents_that_do_not_parse_or_validate_have_apollos_codes() {
    let schema = schema(Mock{{ entity.pascal }}UseCases::new(), MockCallerIdentity::new());
    assert_eq!(
        codes(&run(&schema, "{ {{ entity.camel }}(id: ", Some(TOKEN)).await),
        ["GRAPHQL_PARSE_FAILED"]
    );
    assert_eq!(
        codes(&run(&schema, "{ {{ entity.camel }}(id: \"5\") { nonsense } }", Some(TOKEN)).await),
        ["GRAPHQL_VALIDATION_FAILED"]
    );
}
