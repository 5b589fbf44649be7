//! The driven ports every module may need: the clock, the caller's identity, and the failure every
//! store reports. A module's own ports live in its folder (`<module>/ports/`).

mod caller_identity;
mod clock;
mod repository_error;

pub use caller_identity::{CallerIdentity, IdentityError};
pub use clock::Clock;
pub use repository_error::RepositoryError;

#[cfg(any(test, feature = "mocks"))]
pub use caller_identity::MockCallerIdentity;
#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
