//! Login and token authentication: who is calling.

mod credentials;
mod errors;
mod service;
mod use_cases;

pub use credentials::Credentials;
pub use errors::{AuthError, LoginError, Unauthenticated};
pub use service::AuthService;
#[cfg(any(test, feature = "mocks"))]
pub use use_cases::MockAuthUseCases;
pub use use_cases::{AuthUseCases, Session};

#[cfg(test)]
mod identify_tests;
#[cfg(test)]
mod tests;
