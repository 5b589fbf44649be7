//! The users module: accounts (sign-up and password change through `upsertUser`, and the user
//! queries) and sessions (login, and the caller a session token proves), sharing one lockout.

mod accounts;
mod password_check;
pub mod ports;
mod sessions;

pub use password_check::DEFAULT_CHECK_WAIT;
#[cfg(test)]
mod test_support;

#[cfg(any(test, feature = "mocks"))]
pub use accounts::{MockUpsertUser, MockUserQueries};
pub use accounts::{
    QueryError, UpsertUser, UpsertUserError, UpsertUserInput, UpsertUserService, UserQueries,
    UserQueryService,
};
#[cfg(any(test, feature = "mocks"))]
pub use sessions::MockAuthUseCases;
pub use sessions::{
    AuthError, AuthService, AuthUseCases, Credentials, LoginError, Session, Unauthenticated,
};
