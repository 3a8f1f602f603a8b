//! Errors shared by the store ports.

/// The cause of an unexpected failure, kept whole for the logs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A store failure that is not part of an operation's own contract. Each names the store
/// operation that failed (`create_client`, `claim_due_emails`), so a log line says where.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached right now (connection refused, pool timed out); retrying
    /// later may succeed. The HTTP layer answers 503.
    #[error("the store is unavailable (in {operation})")]
    Unavailable {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    /// Anything else: a bug, corrupt data, a constraint we did not expect.
    #[error("unexpected store failure in {operation}")]
    Unexpected {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
}

impl StoreError {
    pub fn unavailable(operation: &'static str, source: impl Into<BoxError>) -> Self {
        Self::Unavailable {
            operation,
            source: source.into(),
        }
    }

    pub fn unexpected(operation: &'static str, source: impl Into<BoxError>) -> Self {
        Self::Unexpected {
            operation,
            source: source.into(),
        }
    }

    /// The store operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Unavailable { operation, .. } | Self::Unexpected { operation, .. } => operation,
        }
    }
}
