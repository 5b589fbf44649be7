//! The users module's driven ports: its stores, the password hasher, the session tokens and the
//! password versions that decide whether a token still stands.

mod login_attempts;
mod password_hasher;
mod password_versions;
mod session_tokens;
mod user_repository;

pub use login_attempts::LoginAttempts;
pub use password_hasher::{HashError, PasswordHasher};
pub use password_versions::PasswordVersions;
pub use session_tokens::{IssuedToken, SessionToken, SessionTokens, TokenClaims, TokenRejected};
pub use user_repository::{CreateUserError, NewUser, UserRepository};

#[cfg(any(test, feature = "mocks"))]
pub use login_attempts::MockLoginAttempts;
#[cfg(any(test, feature = "mocks"))]
pub use password_hasher::MockPasswordHasher;
#[cfg(any(test, feature = "mocks"))]
pub use password_versions::MockPasswordVersions;
#[cfg(any(test, feature = "mocks"))]
pub use session_tokens::MockSessionTokens;
#[cfg(any(test, feature = "mocks"))]
pub use user_repository::MockUserRepository;
