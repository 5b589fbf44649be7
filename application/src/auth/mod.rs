//! Login and token authentication: who is calling.

mod errors;
mod service;
mod use_cases;

pub use errors::{AuthError, LoginError, Unauthenticated};
pub use service::AuthService;
#[cfg(any(test, feature = "mocks"))]
pub use use_cases::MockAuthUseCases;
pub use use_cases::{AuthUseCases, Session};

#[cfg(test)]
mod tests;
