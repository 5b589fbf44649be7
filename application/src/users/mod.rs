//! The users use cases.

mod errors;
mod queries;
mod service;
mod upsert;
mod use_cases;

pub use errors::{QueryError, UpsertUserError};
pub use service::UserService;
pub use upsert::UpsertUserInput;
#[cfg(any(test, feature = "mocks"))]
pub use use_cases::MockUserUseCases;
pub use use_cases::UserUseCases;

#[cfg(test)]
mod tests;
