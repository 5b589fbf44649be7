//! Accounts: `upsertUser` (sign-up, or a password change with the current password) and the user
//! queries, as two use cases with their own ports.

mod errors;
mod queries;
mod upsert;
mod use_cases;

pub use errors::{QueryError, UpsertUserError};
pub use queries::UserQueryService;
pub use upsert::{UpsertUserInput, UpsertUserService};
#[cfg(any(test, feature = "mocks"))]
pub use use_cases::{MockUpsertUser, MockUserQueries};
pub use use_cases::{UpsertUser, UserQueries};

#[cfg(test)]
mod tests;
