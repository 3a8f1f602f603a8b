//! Password hashing as a port: Argon2id is slow on purpose, so the adapter runs it off the async
//! workers, a bounded number at a time, and use-case tests can use a fast stand-in.

use std::time::Duration;

use async_trait::async_trait;
use domain::StoredPasswordHash;

use crate::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// As many hashes as the machine can afford are running and the queue is full: nothing was
    /// checked. The caller should answer "try again shortly" (503 with `Retry-After`).
    #[error("too many passwords are being checked at once")]
    Busy { retry_after: Duration },
    /// The hashing machinery failed (never for a valid password in practice).
    #[error("password hashing failed")]
    Failed(#[source] BoxError),
}

#[async_trait]
pub trait PasswordHasher: Send + Sync + std::fmt::Debug {
    /// Hashes a password that has already passed the password policy.
    ///
    /// # Errors
    /// [`HashError::Busy`] when the adapter's bound is reached, [`HashError::Failed`] when the
    /// hashing machinery fails.
    async fn hash(&self, password: &str) -> Result<StoredPasswordHash, HashError>;

    /// Whether `candidate` matches `stored`. With `None` (an unknown user, or no password set)
    /// it MUST take as long as a real check and answer false, so timing reveals nothing.
    ///
    /// # Errors
    /// As for [`PasswordHasher::hash`]; a busy answer MUST come before any hashing, for known
    /// and unknown users alike.
    async fn verify(&self, candidate: &str, stored: Option<&StoredPasswordHash>) -> Result<bool, HashError>;
}
