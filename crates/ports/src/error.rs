//! Errors shared by the store ports.

/// The cause of an unexpected failure, kept whole for the logs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A store failure that is not part of an operation's own contract.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached right now (connection refused, pool timed out); retrying
    /// later may succeed. The HTTP layer answers 503.
    #[error("the store is unavailable")]
    Unavailable(#[source] BoxError),
    /// Anything else: a bug, corrupt data, a constraint we did not expect.
    #[error("unexpected store failure")]
    Unexpected(#[source] BoxError),
}
