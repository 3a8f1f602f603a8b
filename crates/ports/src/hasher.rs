//! Password hashing as a port: Argon2id is slow on purpose, so the adapter runs it off the async
//! workers, and use-case tests can use a fast stand-in.

use async_trait::async_trait;
use domain::StoredPasswordHash;

use crate::BoxError;

#[async_trait]
pub trait PasswordHasher: Send + Sync + std::fmt::Debug {
    /// Hashes a password that has already passed the password policy.
    ///
    /// # Errors
    /// When the hashing machinery fails (never for a valid password in practice).
    async fn hash(&self, password: &str) -> Result<StoredPasswordHash, BoxError>;

    /// Whether `candidate` matches `stored`. With `None` (an unknown user, or no password set)
    /// it MUST take as long as a real check and answer false, so timing reveals nothing.
    async fn verify(&self, candidate: &str, stored: Option<&StoredPasswordHash>) -> bool;
}
