//! The driven ports: what the use cases need from the outside world.

mod clock;
mod password_hasher;
mod session_tokens;
mod user_repository;

pub use clock::Clock;
pub use password_hasher::{HashError, PasswordHasher};
pub use session_tokens::{IssuedToken, SessionToken, SessionTokens, TokenClaims, TokenRejected};
pub use user_repository::{CreateUserError, NewUser, RepositoryError, UserRepository};

#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
#[cfg(any(test, feature = "mocks"))]
pub use password_hasher::MockPasswordHasher;
#[cfg(any(test, feature = "mocks"))]
pub use session_tokens::MockSessionTokens;
#[cfg(any(test, feature = "mocks"))]
pub use user_repository::MockUserRepository;
