{% import "_macros.j2" as m %}
//! Use-case tests: every port is a mockall mock, so each test states exactly which calls may happen.
//! A mock with no expectation panics if called, which is how "nothing is read" and "nothing is
//! written" are asserted.

use chrono::TimeZone as _;
use chrono::{DateTime, Utc};
use domain::{
    Caller, CallerId, {{ entity.pascal }}, {{ entity.pascal }}Draft, {{ entity.pascal }}Fields,
    {{ entity.pascal }}Id, {{ entity.pascal }}PatchDraft,
};
use domain::fields::Change;

use super::ports::{Mock{{ entity.pascal }}Repository, New{{ entity.pascal }}};
use super::*;
use crate::ports::{MockClock, RepositoryError};

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0)
        .single()
        .expect("valid timestamp")
}

fn caller(id: i64) -> Caller {
    Caller {
        id: CallerId::try_new(id).expect("positive"),
    }
}

fn clock_at(seconds: i64) -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(at(seconds));
    clock
}

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

/// Caller 1's {{ entity.prose }} 5, as stored.
fn stored() -> {{ entity.pascal }} {
    {{ entity.pascal }} {
        id: {{ entity.pascal }}Id::try_new(5).expect("positive"),
        owner_id: CallerId::try_new(1).expect("positive"),
        fields: fields(),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// A patch that changes one field.
fn change() -> {{ entity.pascal }}PatchDraft {
{% set f = fields[0] %}
    {{ entity.pascal }}PatchDraft {
        {{ f.name }}: Change::Set({{ m.raw_sample(f, "other") }}),
{% if fields | length > 1 %}
        ..Default::default()
{% endif %}
    }
}

type UnderTest = {{ entity.pascal }}Service<Mock{{ entity.pascal }}Repository, MockClock>;

fn service(repository: Mock{{ entity.pascal }}Repository, clock: MockClock) -> UnderTest {
    {{ entity.pascal }}Service::new(repository, clock)
}

fn field_names(errors: &domain::ValidationErrors) -> Vec<&str> {
    errors.fields().iter().map(|f| f.field).collect()
}

#[tokio::test]
async fn a_read_asks_for_the_callers_own_row_by_its_id() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository
        .expect_find()
        .withf(|owner, id| owner.get() == 1 && id.get() == 5)
        .times(1)
        .returning(|_, _| Ok(Some(stored())));
    let found = service(repository, MockClock::new())
        .{{ entity.snake }}(&caller(1), "5")
        .await
        .expect("ok");
    assert_eq!(found, Some(stored()));
}

#[tokio::test]
async fn a_bad_id_is_invalid_input_naming_it_and_reads_nothing() {
    let svc = service(Mock{{ entity.pascal }}Repository::new(), MockClock::new());
    let err = svc.{{ entity.snake }}(&caller(1), "abc").await.expect_err("not an id");
    let {{ entity.pascal }}QueryError::InvalidInput(errors) = err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(field_names(&errors), ["id"]);
    let err = svc
        .delete_{{ entity.snake }}(&caller(1), "-1")
        .await
        .expect_err("not an id");
    assert!(matches!(err, Delete{{ entity.pascal }}Error::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn a_list_pages_the_callers_rows_and_checks_both_arguments() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository
        .expect_list()
        .withf(|owner, after, first| {
            owner.get() == 2 && after.map({{ entity.pascal }}Id::get) == Some(10) && first.get() == 1000
        })
        .times(1)
        .returning(|_, _, _| Ok(vec![]));
    let svc = service(repository, MockClock::new());
    let page = svc
        .{{ plural.snake }}(&caller(2), 1000, Some("10".to_owned()))
        .await
        .expect("ok");
    assert!(page.is_empty());
    let err = svc
        .{{ plural.snake }}(&caller(2), 1001, Some("x".to_owned()))
        .await
        .expect_err("over the cap");
    let {{ entity.pascal }}QueryError::InvalidInput(errors) = err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(field_names(&errors), ["first", "after"]);
}

#[tokio::test]
async fn a_new_row_belongs_to_the_caller_and_is_dated_by_the_clock() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository
        .expect_create()
        .withf(|new: &New{{ entity.pascal }}| {
            new.owner_id.get() == 3 && new.created_at == at(9) && new.fields == fields()
        })
        .times(1)
        .returning(|new| {
            Ok({{ entity.pascal }} {
                id: {{ entity.pascal }}Id::try_new(8).expect("positive"),
                owner_id: new.owner_id,
                fields: new.fields,
                created_at: new.created_at,
                updated_at: new.created_at,
            })
        });
    let created = service(repository, clock_at(9))
        .create_{{ entity.snake }}(&caller(3), draft())
        .await
        .expect("created");
    assert_eq!(created.id.get(), 8);
    assert_eq!(created.owner_id.get(), 3);
}
{% if has.string %}

#[tokio::test]
async fn an_invalid_draft_names_every_broken_field_and_writes_nothing() {
    let bad = {{ entity.pascal }}Draft {
{% for f in string_fields %}
        {{ f.name }}: {% if f.optional %}Some(String::new()){% else %}String::new(){% endif %},
{% endfor %}
{% if string_fields | length < fields | length %}
        ..draft()
{% endif %}
    };
    let err = service(Mock{{ entity.pascal }}Repository::new(), MockClock::new())
        .create_{{ entity.snake }}(&caller(1), bad)
        .await
        .expect_err("invalid");
    let Create{{ entity.pascal }}Error::InvalidInput(errors) = err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(
        field_names(&errors),
        [{% for f in string_fields %}"{{ f.camel }}"{% if not loop.last %}, {% endif %}{% endfor %}]
    );
}
{% endif %}

#[tokio::test]
async fn an_update_that_changes_nothing_writes_nothing_and_keeps_updated_at() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository.expect_find().returning(|_, _| Ok(Some(stored())));
    // No expectation on `replace`: a write would fail the test.
    let unchanged = service(repository, MockClock::new())
        .update_{{ entity.snake }}(&caller(1), "5", {{ entity.pascal }}PatchDraft::default())
        .await
        .expect("unchanged");
    assert_eq!(unchanged, stored());
}

#[tokio::test]
async fn a_changed_field_is_written_by_compare_and_set_at_the_clocks_time() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository.expect_find().returning(|_, _| Ok(Some(stored())));
    repository
        .expect_replace()
        .withf(|current, new_fields, when| {
            *current == stored() && *new_fields != fields() && *when == at(4)
        })
        .times(1)
        .returning(|current, new_fields, when| {
            Ok(Some({{ entity.pascal }} {
                fields: new_fields.clone(),
                updated_at: when,
                ..current.clone()
            }))
        });
    let updated = service(repository, clock_at(4))
        .update_{{ entity.snake }}(&caller(1), "5", change())
        .await
        .expect("changed");
    assert_eq!(updated.updated_at, at(4));
    assert_ne!(updated.fields, fields());
}

#[tokio::test]
async fn a_lost_race_is_retried_on_the_winners_row_then_gives_up_with_conflict() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    let mut sequence = mockall::Sequence::new();
    for _ in 0..3 {
        repository
            .expect_find()
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_, _| Ok(Some(stored())));
        repository
            .expect_replace()
            .times(1)
            .in_sequence(&mut sequence)
            .returning(|_, _, _| Ok(None));
    }
    let err = service(repository, clock_at(1))
        .update_{{ entity.snake }}(&caller(1), "5", change())
        .await
        .expect_err("conflict");
    assert!(matches!(err, Update{{ entity.pascal }}Error::Conflict), "{err:?}");
}

#[tokio::test]
async fn another_callers_row_or_none_at_all_is_not_found_for_update_and_delete() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository
        .expect_find()
        .withf(|owner, _| owner.get() == 2)
        .returning(|_, _| Ok(None));
    repository
        .expect_delete()
        .withf(|owner, _| owner.get() == 2)
        .returning(|_, _| Ok(false));
    let svc = service(repository, MockClock::new());
    let err = svc
        .update_{{ entity.snake }}(&caller(2), "5", change())
        .await
        .expect_err("not theirs");
    assert!(matches!(err, Update{{ entity.pascal }}Error::NotFound), "{err:?}");
    let err = svc
        .delete_{{ entity.snake }}(&caller(2), "5")
        .await
        .expect_err("not theirs");
    assert!(matches!(err, Delete{{ entity.pascal }}Error::NotFound), "{err:?}");
}

#[tokio::test]
async fn a_delete_of_the_callers_own_row_succeeds() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository
        .expect_delete()
        .withf(|owner, id| owner.get() == 1 && id.get() == 5)
        .times(1)
        .returning(|_, _| Ok(true));
    service(repository, MockClock::new())
        .delete_{{ entity.snake }}(&caller(1), "5")
        .await
        .expect("deleted");
}
{% if has.required %}

#[tokio::test]
async fn an_update_that_clears_a_required_field_and_has_a_bad_id_names_both_and_reads_nothing() {
{% set f = required_fields[0] %}
    let patch = {{ entity.pascal }}PatchDraft {
        {{ f.name }}: Change::Clear,
{% if fields | length > 1 %}
        ..Default::default()
{% endif %}
    };
    let err = service(Mock{{ entity.pascal }}Repository::new(), MockClock::new())
        .update_{{ entity.snake }}(&caller(1), "x", patch)
        .await
        .expect_err("invalid");
    let Update{{ entity.pascal }}Error::InvalidInput(errors) = err else {
        panic!("expected invalid input, got {err:?}");
    };
    assert_eq!(field_names(&errors), ["id", "{{ f.camel }}"]);
}
{% endif %}

#[tokio::test]
async fn an_unavailable_store_is_reported_as_unavailable() {
    let mut repository = Mock{{ entity.pascal }}Repository::new();
    repository.expect_find().returning(|_, _| {
        Err(RepositoryError::Unavailable(anyhow::anyhow!(
            "connection refused"
        )))
    });
    let err = service(repository, MockClock::new())
        .{{ entity.snake }}(&caller(1), "5")
        .await
        .expect_err("down");
    assert!(matches!(err, {{ entity.pascal }}QueryError::Unavailable(_)), "{err:?}");
}
