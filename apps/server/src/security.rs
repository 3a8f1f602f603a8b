//! The operating system's randomness and the Argon2id hasher: the adapters of identity's
//! `RandomSource` and of the `PasswordHasher` port.

use async_trait::async_trait;
use domain::StoredPasswordHash;
use identity::{NewPassword, RandomSource};
use ports::{BoxError, PasswordHasher};

/// Randomness from the operating system (getrandom).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&self, bytes: &mut [u8]) {
        // The OS generator failing means the machine cannot do cryptography at all; carrying on
        // with predictable tokens would be worse than stopping.
        #[allow(clippy::expect_used)]
        getrandom::fill(bytes).expect("the operating system's random generator failed");
    }
}

/// Argon2id (m = 19 MiB, t = 2, p = 1) on tokio's blocking pool, so a burst of sign-ins never
/// stalls the async workers that serve everything else.
#[derive(Debug, Default, Clone, Copy)]
pub struct Argon2Hasher;

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> Result<StoredPasswordHash, BoxError> {
        let password = NewPassword::parse(password).map_err(|e| -> BoxError { e.to_string().into() })?;
        tokio::task::spawn_blocking(move || identity::hash_password(&password, &OsRandom))
            .await
            .map_err(|e| -> BoxError { e.to_string().into() })?
            .map_err(|e| -> BoxError { e.to_string().into() })
    }

    async fn verify(&self, candidate: &str, stored: Option<&StoredPasswordHash>) -> bool {
        let candidate = candidate.to_owned();
        let stored = stored.cloned();
        tokio::task::spawn_blocking(move || match stored {
            Some(stored) => identity::verify_password(&candidate, &stored),
            None => identity::dummy_verify(&candidate),
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hash = Argon2Hasher.hash("amber kite over the lettings ledger").await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            Argon2Hasher
                .verify("amber kite over the lettings ledger", Some(&hash))
                .await
        );
        assert!(
            !Argon2Hasher
                .verify("amber kite over the lettings ledge", Some(&hash))
                .await
        );
        assert!(!Argon2Hasher.verify("amber kite over the lettings ledger", None).await);
    }

    #[test]
    fn the_os_random_source_gives_different_bytes_each_time() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        OsRandom.fill(&mut a);
        OsRandom.fill(&mut b);
        assert_ne!(a, b);
    }
}
