use async_trait::async_trait;
use domain::{Password, PasswordHash};

/// Failures of a hasher that are not "the password does not match".
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The stored hash is not in a format this hasher can read. Data corruption, not a user mistake.
    #[error("stored password hash is malformed")]
    MalformedHash(#[source] anyhow::Error),
    /// Anything else: the worker pool is gone, the hashing library failed.
    #[error("password hashing failed")]
    Unexpected(#[source] anyhow::Error),
}

/// One-way password hashing.
///
/// Hashing is deliberately slow, so implementations MUST run it off the async executor and SHOULD bound
/// how many run at once, so that other requests keep flowing while hashing saturates the CPU.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync + 'static {
    /// Hashes a policy-conforming password with a fresh salt. The whole password is hashed: the domain
    /// already refuses passwords the algorithm would truncate.
    ///
    /// # Errors
    /// - [`HashError::Unexpected`] if hashing could not be carried out.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;

    /// Whether `password` is the one `hash` was made from. A mismatch is `Ok(false)`, never an error.
    /// Hashes made by other implementations of the same algorithm (any cost, any variant prefix) MUST verify.
    ///
    /// # Errors
    /// - [`HashError::MalformedHash`] if `hash` cannot be parsed.
    /// - [`HashError::Unexpected`] if verification could not be carried out.
    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError>;

    /// Does the work of [`PasswordHasher::verify`] against a hash of no one's password, for a login to
    /// an email that has no account: the response then takes as long as a wrong password, and its timing
    /// does not tell whether the email is registered.
    ///
    /// # Errors
    /// - [`HashError::Unexpected`] if the work could not be carried out.
    async fn verify_against_dummy(&self, password: &Password) -> Result<(), HashError>;

    /// Waits about as long as [`PasswordHasher::verify`] has lately taken, without doing its work and
    /// without using the CPU: a check refused by a lock then answers about as fast as a wrong password,
    /// so a single request's timing does not single out a locked account. (It does not queue for the
    /// hashing workers, so many concurrent refusals can still finish sooner than as many verifies.)
    async fn wait_as_long_as_verify(&self);

    /// Whether `hash` was made with other parameters than this hasher's (a lower cost from an older
    /// setting, or the course's bcryptjs hashes), so that a verified password should be hashed again.
    fn needs_rehash(&self, hash: &PasswordHash) -> bool;
}
