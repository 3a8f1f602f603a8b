//! The operating system's randomness and the Argon2id hasher: the adapters of identity's
//! `RandomSource` and of the `PasswordHasher` port.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use domain::StoredPasswordHash;
use identity::{HashMemory, NewPassword, RandomSource};
use ports::{HashError, PasswordHasher};

use crate::bounded::{BoundedBlocking, Busy, RunError};

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
/// stalls the async workers that serve everything else; at most `concurrency` at once, each over
/// one of `concurrency` blocks of working memory allocated once and kept, so the memory it uses
/// is fixed whatever the load (19 MiB each). Up to `queue` more wait their turn; beyond that the
/// answer is [`HashError::Busy`] at once.
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    blocking: BoundedBlocking,
    memory: Arc<Mutex<Vec<HashMemory>>>,
}

impl Default for Argon2Hasher {
    /// One hash per core, and a queue of eight per core.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::new(cores, cores * 8)
    }
}

impl Argon2Hasher {
    /// At most `concurrency` hashes at once (at least one) and `queue` waiting.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        Self {
            blocking: BoundedBlocking::new(concurrency, queue),
            memory: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Runs `work` over pooled memory within the bound. There are never more blocks than turns,
    /// since a block is taken only by a job holding a turn.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let pool = Arc::clone(&self.memory);
        self.blocking
            .run(move || {
                let mut memory = pool.lock().ok().and_then(|mut free| free.pop()).unwrap_or_default();
                let result = work(&mut memory);
                if let Ok(mut free) = pool.lock() {
                    free.push(memory);
                }
                result
            })
            .await
            .map_err(|error| match error {
                RunError::Busy(Busy { retry_after }) => HashError::Busy { retry_after },
                RunError::Stopped(why) => HashError::Failed(why.into()),
            })
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> Result<StoredPasswordHash, HashError> {
        let password = NewPassword::parse(password).map_err(|e| HashError::Failed(e.to_string().into()))?;
        self.run(move |memory| identity::hash_password_in(&password, &OsRandom, memory))
            .await?
            .map_err(|e| HashError::Failed(e.into()))
    }

    async fn verify(&self, candidate: &str, stored: Option<&StoredPasswordHash>) -> Result<bool, HashError> {
        let candidate = candidate.to_owned();
        let stored = stored.cloned();
        self.run(move |memory| match stored {
            Some(stored) => identity::verify_password_in(&candidate, &stored, memory),
            None => identity::dummy_verify_in(&candidate, memory),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hasher = Argon2Hasher::default();
        let hash = hasher.hash("amber kite over the lettings ledger").await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let verify = |candidate: &'static str, stored| {
            let hasher = hasher.clone();
            async move { hasher.verify(candidate, stored).await.unwrap() }
        };
        assert!(verify("amber kite over the lettings ledger", Some(&hash)).await);
        assert!(!verify("amber kite over the lettings ledge", Some(&hash)).await);
        assert!(!verify("amber kite over the lettings ledger", None).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_beyond_the_bound_are_busy_and_the_memory_kept_is_one_block_per_turn() {
        let hasher = Argon2Hasher::new(2, 1);
        let checks: Vec<_> = (0..8)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify("amber kite over the lettings ledger", None).await })
            })
            .collect();
        let mut outcomes = Vec::new();
        for check in checks {
            outcomes.push(check.await.unwrap());
        }
        assert!(outcomes.iter().any(|o| matches!(o, Ok(false))), "{outcomes:?}");
        assert!(
            outcomes.iter().any(|o| matches!(o, Err(HashError::Busy { .. }))),
            "{outcomes:?}"
        );
        assert!(
            hasher.memory.lock().unwrap().len() <= 2,
            "one 19 MiB block per turn at most"
        );
        assert!(
            !hasher
                .verify("amber kite over the lettings ledger", None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn the_os_random_source_gives_different_bytes_each_time() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        OsRandom.fill(&mut a);
        OsRandom.fill(&mut b);
        assert_ne!(a, b);
    }
}
