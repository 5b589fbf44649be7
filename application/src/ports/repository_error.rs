/// Failures of a store that are not a business outcome, shared by every repository port.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// The store could not be reached or did not answer in time (connection refused, pool exhausted,
    /// statement timeout, the call's deadline). Worth retrying later; clients should see "unavailable",
    /// not "internal".
    #[error("the store is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else. Its text never reaches a client.
    #[error("the store failed")]
    Unexpected(#[source] anyhow::Error),
}
