//! A password hasher for tests that is fast and obviously not a real one.

use async_trait::async_trait;
use domain::StoredPasswordHash;
use ports::{HashError, PasswordHasher};

/// "Hashes" by prefixing: tests run in microseconds, and a stored value is recognisable.
#[derive(Debug, Default, Clone, Copy)]
pub struct FakeHasher;

const PREFIX: &str = "fake-hash:";

#[async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, password: &str) -> Result<StoredPasswordHash, HashError> {
        Ok(StoredPasswordHash::new(format!("{PREFIX}{password}")))
    }

    async fn verify(&self, candidate: &str, stored: Option<&StoredPasswordHash>) -> Result<bool, HashError> {
        Ok(stored.is_some_and(|s| s.as_str().strip_prefix(PREFIX) == Some(candidate)))
    }
}
