//! The {{ plural.snake }} module, wired to the store the configuration chose.

use std::sync::Arc;

use adapters::clock::SystemClock;
use adapters::{{ plural.snake }}::graphql::{ {{- plural.pascal }}Module, Shared{{ plural.pascal }}};
use adapters::{{ plural.snake }}::postgres::Pg{{ entity.pascal }}Repository;
use adapters::{{ plural.snake }}::sqlite::Sqlite{{ entity.pascal }}Repository;
use application::{{ entity.pascal }}Service;

use crate::store::Store;

pub(super) fn wire(store: &Store) -> {{ plural.pascal }}Module {
    let use_cases: Shared{{ plural.pascal }} = match store {
        Store::Postgres(pg, _) => Arc::new({{ entity.pascal }}Service::new(
            Pg{{ entity.pascal }}Repository::new(pg.clone()),
            SystemClock,
        )),
        Store::Sqlite(db) => Arc::new({{ entity.pascal }}Service::new(
            Sqlite{{ entity.pascal }}Repository::new(db.clone()),
            SystemClock,
        )),
    };
    {{ plural.pascal }}Module { use_cases }
}
