//! Where this crate's randomness comes from: a port, so tests can be deterministic. This module
//! must never reach for the operating system's generator itself; the server supplies that.

use std::fmt::Debug;

/// A source of cryptographically secure random bytes.
///
/// The server implements it over the operating system's generator (`getrandom`); tests use
/// [`crate::testing::SeededRandom`]. Implementations MUST fill the whole buffer with bytes that an
/// attacker cannot predict, and MUST NOT return on failure with the buffer partly filled: a
/// generator that cannot produce randomness should abort the process rather than hand out
/// predictable salts, tokens or secrets.
pub trait RandomSource: Send + Sync + Debug {
    /// Fills `bytes` entirely with random bytes.
    fn fill(&self, bytes: &mut [u8]);
}

/// Draws `N` random bytes.
pub(crate) fn bytes<const N: usize>(rng: &dyn RandomSource) -> [u8; N] {
    let mut out = [0u8; N];
    rng.fill(&mut out);
    out
}
