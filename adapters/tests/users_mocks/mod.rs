//! Both driving ports of the users module's accounts, mocked together, for in-process GraphQL tests
//! that set expectations on queries and `upsertUser` alike.
#![allow(dead_code, reason = "each suite uses its own share of these")]

use adapters::schema::AppSchema;
use adapters::users::graphql::testing::{Options, schema};
use application::{AuthUseCases, MockUpsertUser, MockUserQueries};

pub struct MockUserUseCases {
    pub queries: MockUserQueries,
    pub upserts: MockUpsertUser,
}

impl MockUserUseCases {
    pub fn new() -> Self {
        Self {
            queries: MockUserQueries::new(),
            upserts: MockUpsertUser::new(),
        }
    }

    /// The schema over these mocks and `auth`.
    pub fn schema(self, auth: impl AuthUseCases, options: Options) -> AppSchema {
        schema(self.queries, self.upserts, auth, options)
    }
}
