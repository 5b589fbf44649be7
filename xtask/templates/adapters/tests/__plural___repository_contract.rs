{% import "_macros.j2" as m %}
//! The `{{ entity.pascal }}Repository` contract, run against every adapter: PostgreSQL and the embedded
//! SQLite store.
//!
//! Each scenario is written once against the port and instantiated per backend as `scenario::postgres`
//! and `scenario::sqlite`, each on a fresh database. Where the backends differ, the adapter is fixed,
//! never this suite.

use adapters::postgres::testing::TestDatabase;
use adapters::sqlite::testing::TestSqlite;
use adapters::{{ plural.snake }}::postgres::Pg{{ entity.pascal }}Repository;
use adapters::{{ plural.snake }}::sqlite::Sqlite{{ entity.pascal }}Repository;
use application::{{ plural.snake }}::ports::{New{{ entity.pascal }}, {{ entity.pascal }}Repository};
use chrono::TimeZone as _;
use chrono::{DateTime, Utc};
use domain::{CallerId, PageSize, {{ entity.pascal }}, {{ entity.pascal }}Draft, {{ entity.pascal }}Fields, {{ entity.pascal }}Id};
use futures::future::join_all;

/// Instantiates each scenario for each backend.
macro_rules! contract {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_db, repo) = super::postgres().await;
                super::$scenario(repo).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_db, repo) = super::sqlite().await;
                super::$scenario(repo).await;
            }
        }
    )+};
}

contract!(
    a_created_row_is_found_by_its_owner_and_by_no_one_else,
    every_field_round_trips_as_written,
    optional_fields_round_trip_as_absent,
    listing_is_keyset_paginated_per_owner_in_id_order,
    replace_is_a_compare_and_set_on_updated_at,
    updated_at_moves_even_when_the_writers_clock_is_behind,
    concurrent_replaces_of_one_version_have_exactly_one_winner,
    delete_is_scoped_to_the_owner,
    ids_are_not_reused_after_a_delete,
);

async fn postgres() -> (TestDatabase, Pg{{ entity.pascal }}Repository) {
    let db = TestDatabase::create().await;
    let repo = Pg{{ entity.pascal }}Repository::new(db.store());
    (db, repo)
}

async fn sqlite() -> (TestSqlite, Sqlite{{ entity.pascal }}Repository) {
    let db = TestSqlite::create().await;
    let repo = Sqlite{{ entity.pascal }}Repository::new(db.store.clone());
    (db, repo)
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 0)
        .single()
        .expect("valid")
}

fn owner(id: i64) -> CallerId {
    CallerId::try_new(id).expect("positive")
}

/// Fields as the domain's rules leave them (text trimmed, timestamps to the millisecond): "one" or
/// "other", which differ in every field.
fn fields(which: &str) -> {{ entity.pascal }}Fields {
    let draft = if which == "one" { draft_one() } else { draft_other() };
    draft.parse().expect("valid fields")
}
{% for which in ["one", "other"] %}

fn draft_{{ which }}() -> {{ entity.pascal }}Draft {
    {{ entity.pascal }}Draft {
{% for f in fields %}
        {{ f.name }}: {{ m.raw_value(f, which) }},
{% endfor %}
    }
}
{% endfor %}

fn new(owner_id: i64, which: &str, created: i64) -> New{{ entity.pascal }} {
    New{{ entity.pascal }} {
        owner_id: owner(owner_id),
        fields: fields(which),
        created_at: at(created),
    }
}

fn page(size: u32) -> PageSize {
    PageSize::try_new(size.into()).expect("page size")
}

fn ids(rows: &[{{ entity.pascal }}]) -> Vec<{{ entity.pascal }}Id> {
    rows.iter().map(|row| row.id).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------------------

async fn a_created_row_is_found_by_its_owner_and_by_no_one_else(repo: impl {{ entity.pascal }}Repository) {
    let created = repo.create(new(1, "one", 0)).await.expect("created");
    assert_eq!(created.owner_id, owner(1));
    assert_eq!((created.created_at, created.updated_at), (at(0), at(0)));
    assert_eq!(
        repo.find(owner(1), created.id).await.expect("query"),
        Some(created.clone())
    );
    assert_eq!(
        repo.find(owner(2), created.id).await.expect("query"),
        None,
        "another owner's row is answered as a missing one"
    );
    let missing = {{ entity.pascal }}Id::try_new(created.id.get() + 1_000).expect("positive");
    assert_eq!(repo.find(owner(1), missing).await.expect("query"), None);
}

async fn every_field_round_trips_as_written(repo: impl {{ entity.pascal }}Repository) {
    for which in ["one", "other"] {
        let created = repo.create(new(1, which, 0)).await.expect("created");
        assert_eq!(created.fields, fields(which), "as returned by the insert");
        let read = repo
            .find(owner(1), created.id)
            .await
            .expect("query")
            .expect("found");
        assert_eq!(read, created, "as read back");
    }
}

async fn optional_fields_round_trip_as_absent(repo: impl {{ entity.pascal }}Repository) {
{% if has.optional %}
    let sparse = {{ entity.pascal }}Fields {
{% for f in optional_fields %}
        {{ f.name }}: None,
{% endfor %}
{% if has.required %}
        ..fields("one")
{% endif %}
    };
    let created = repo
        .create(New{{ entity.pascal }} {
            fields: sparse.clone(),
            ..new(1, "one", 0)
        })
        .await
        .expect("created");
    let read = repo
        .find(owner(1), created.id)
        .await
        .expect("query")
        .expect("found");
    assert_eq!(read.fields, sparse);
{% else %}
    // Every field of this entity is required: a row holds a value for each, as written.
    let created = repo.create(new(1, "one", 0)).await.expect("created");
    assert_eq!(created.fields, fields("one"));
{% endif %}
}

async fn listing_is_keyset_paginated_per_owner_in_id_order(repo: impl {{ entity.pascal }}Repository) {
    let mut mine = Vec::new();
    let mut theirs = Vec::new();
    for i in 0..5 {
        mine.push(repo.create(new(1, "one", i)).await.expect("created"));
        if i % 2 == 0 {
            theirs.push(repo.create(new(2, "other", i)).await.expect("created"));
        }
    }
    let first_two = repo.list(owner(1), None, page(2)).await.expect("list");
    assert_eq!(ids(&first_two), ids(&mine[..2]));
    let next = repo
        .list(owner(1), Some(mine[1].id), page(2))
        .await
        .expect("list");
    assert_eq!(ids(&next), ids(&mine[2..4]));
    let rest = repo
        .list(owner(1), Some(mine[3].id), page(10))
        .await
        .expect("list");
    assert_eq!(ids(&rest), ids(&mine[4..]));
    assert!(
        repo.list(owner(1), Some(mine[4].id), page(10))
            .await
            .expect("list")
            .is_empty()
    );
    assert!(repo.list(owner(1), None, page(0)).await.expect("list").is_empty());
    let other = repo.list(owner(2), None, page(1000)).await.expect("list");
    assert_eq!(ids(&other), ids(&theirs), "each owner sees only their own");
}

async fn replace_is_a_compare_and_set_on_updated_at(repo: impl {{ entity.pascal }}Repository) {
    let created = repo.create(new(1, "one", 0)).await.expect("created");
    let updated = repo
        .replace(&created, &fields("other"), at(5))
        .await
        .expect("stored")
        .expect("the row had the expected version");
    assert_eq!(updated.fields, fields("other"));
    assert_eq!(updated.updated_at, at(5));
    assert_eq!(updated.created_at, created.created_at);
    // `created` is now stale: a second writer that read it loses.
    assert_eq!(
        repo.replace(&created, &fields("one"), at(6))
            .await
            .expect("stored"),
        None
    );
    let stored = repo
        .find(owner(1), created.id)
        .await
        .expect("query")
        .expect("found");
    assert_eq!(stored, updated, "the loser wrote nothing");
    let theirs = {{ entity.pascal }} {
        owner_id: owner(2),
        ..updated.clone()
    };
    assert_eq!(
        repo.replace(&theirs, &fields("one"), at(7))
            .await
            .expect("stored"),
        None,
        "another owner cannot replace it"
    );
}

async fn updated_at_moves_even_when_the_writers_clock_is_behind(repo: impl {{ entity.pascal }}Repository) {
    let created = repo.create(new(1, "one", 100)).await.expect("created");
    let updated = repo
        .replace(&created, &fields("other"), at(50))
        .await
        .expect("stored")
        .expect("replaced");
    assert_eq!(
        updated.updated_at,
        created.updated_at + chrono::TimeDelta::milliseconds(1),
        "a millisecond past the last write, which the API shows"
    );
}

async fn concurrent_replaces_of_one_version_have_exactly_one_winner(
    repo: impl {{ entity.pascal }}Repository + Clone,
) {
    let created = repo.create(new(1, "one", 0)).await.expect("created");
    let writers = (0..10).map(|i| {
        let repo = repo.clone();
        let created = created.clone();
        async move { repo.replace(&created, &fields("other"), at(10 + i)).await }
    });
    let winners = join_all(writers)
        .await
        .into_iter()
        .map(|outcome| outcome.expect("no error under concurrency"))
        .filter(Option::is_some)
        .count();
    assert_eq!(winners, 1);
}

async fn delete_is_scoped_to_the_owner(repo: impl {{ entity.pascal }}Repository) {
    let created = repo.create(new(1, "one", 0)).await.expect("created");
    assert!(!repo.delete(owner(2), created.id).await.expect("delete"));
    assert!(
        repo.find(owner(1), created.id)
            .await
            .expect("query")
            .is_some(),
        "another owner's delete changed nothing"
    );
    assert!(repo.delete(owner(1), created.id).await.expect("delete"));
    assert_eq!(repo.find(owner(1), created.id).await.expect("query"), None);
    assert!(!repo.delete(owner(1), created.id).await.expect("delete"), "gone once");
}

async fn ids_are_not_reused_after_a_delete(repo: impl {{ entity.pascal }}Repository) {
    let first = repo.create(new(1, "one", 0)).await.expect("created");
    assert!(repo.delete(owner(1), first.id).await.expect("delete"));
    let second = repo.create(new(1, "one", 1)).await.expect("created");
    assert!(second.id > first.id, "{:?} then {:?}", first.id, second.id);
}
