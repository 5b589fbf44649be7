//! The auth service's schema around use cases a test chooses (feature `test-support`), assembled as
//! bootstrap assembles it, so in-process tests and benchmarks exercise the real guards and wiring.

use std::sync::Arc;

use application::{AuthUseCases, UpsertUser, UserQueries};
use domain::ClientFailurePolicy;

use super::{
    CookieSettings, DEFAULT_PASSWORD_CHECK_WAIT, DEFAULT_PASSWORD_CHECKS_IN_FLIGHT, SharedAuth,
    UsersModule,
};
use crate::graphql::{SchemaSettings, build_schema};
use crate::schema::AppSchema;
use crate::users::identity::SessionIdentity;

/// What a test may vary about the schema.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub introspection: bool,
    pub secure_cookie: bool,
    pub password_checks_in_flight: usize,
    pub password_check_wait: std::time::Duration,
    /// In-process requests have no address, so every request of a test is one client.
    pub client_failures: ClientFailurePolicy,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            introspection: false,
            secure_cookie: true,
            password_checks_in_flight: DEFAULT_PASSWORD_CHECKS_IN_FLIGHT,
            password_check_wait: DEFAULT_PASSWORD_CHECK_WAIT,
            client_failures: ClientFailurePolicy::default(),
        }
    }
}

/// The schema over these use cases; the caller identity is the auth service's own, over `auth`.
pub fn schema(
    queries: impl UserQueries,
    upserts: impl UpsertUser,
    auth: impl AuthUseCases,
    options: Options,
) -> AppSchema {
    let auth: SharedAuth = Arc::new(auth);
    build_schema(
        SchemaSettings {
            introspection: options.introspection,
        },
        Arc::new(SessionIdentity(auth.clone())),
        vec![Box::new(UsersModule {
            queries: Arc::new(queries),
            upserts: Arc::new(upserts),
            auth,
            cookie: CookieSettings {
                secure: options.secure_cookie,
            },
            password_checks_in_flight: options.password_checks_in_flight,
            password_check_wait: options.password_check_wait,
            client_failures: options.client_failures,
        })],
    )
}
