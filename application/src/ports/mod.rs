//! The driven ports: what the use cases need from the outside world.

mod clock;
mod password_hasher;
mod user_repository;

pub use clock::Clock;
pub use password_hasher::{HashError, PasswordHasher};
pub use user_repository::{CreateUserError, NewUser, RepositoryError, UserRepository};

#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
#[cfg(any(test, feature = "mocks"))]
pub use password_hasher::MockPasswordHasher;
#[cfg(any(test, feature = "mocks"))]
pub use user_repository::MockUserRepository;
