//! Deterministic stand-ins for tests, in this crate and in the crates that use it. Nothing here
//! may ever be wired into the running server: its "randomness" is predictable by design.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::RandomSource;

/// A [`RandomSource`] that yields the same bytes for the same seed (SplitMix64).
///
/// **For tests only.** Its output is predictable, so a salt, token or secret drawn from it
/// protects nothing. It exists so that tests can compare exact outputs and replay failures.
#[derive(Debug)]
pub struct SeededRandom {
    state: AtomicU64,
}

impl SeededRandom {
    /// A generator whose output is determined by `seed`.
    pub const fn new(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    fn next_u64(&self) -> u64 {
        // SplitMix64: the state walks by a fixed odd constant; the output mixes it. Shared access
        // through an atomic keeps the type `Sync` without a lock.
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self.state.fetch_add(GAMMA, Ordering::Relaxed).wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl RandomSource for SeededRandom {
    fn fill(&self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
        let mut a = [0u8; 37];
        let mut b = [0u8; 37];
        let mut c = [0u8; 37];
        SeededRandom::new(7).fill(&mut a);
        SeededRandom::new(7).fill(&mut b);
        SeededRandom::new(8).fill(&mut c);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn successive_draws_differ() {
        let rng = SeededRandom::new(1);
        let mut first = [0u8; 16];
        let mut second = [0u8; 16];
        rng.fill(&mut first);
        rng.fill(&mut second);
        assert_ne!(first, second);
    }
}
