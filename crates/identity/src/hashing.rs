//! Password hashing with Argon2id at the OWASP parameters (19 MiB, t=2, p=1). It must never log,
//! return or keep a password, and never answer faster for an unknown user than for a known one.
//!
//! Hashing and verifying each take tens of milliseconds of CPU and 19 MiB of memory on purpose:
//! the server MUST call them off its async workers (`tokio::task::spawn_blocking`), a bounded
//! number at a time, each over a [`HashMemory`] it keeps.

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use domain::StoredPasswordHash;
use subtle::ConstantTimeEq;

use crate::password::NewPassword;
use crate::random::{self, RandomSource};

/// Memory cost in KiB: 19 MiB, OWASP's first recommended Argon2id configuration.
pub const ARGON2_MEMORY_KIB: u32 = 19_456;
/// Number of passes over the memory.
pub const ARGON2_ITERATIONS: u32 = 2;
/// Degree of parallelism: one lane, so one request never takes more than one core.
pub const ARGON2_PARALLELISM: u32 = 1;
/// Salt length in bytes (128 bits), drawn from the [`RandomSource`] for every hash.
pub const SALT_LEN: usize = 16;
/// Length of the derived hash in bytes.
pub const OUTPUT_LEN: usize = 32;

/// A valid Argon2id hash, at the same parameters as real ones, of 32 random bytes that were never
/// written down. Used by [`dummy_verify`] so a login for an unknown email costs the same as one
/// for a known email.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$pNIY0SKYItP2U9aQ2C5NWg$JQHwZV/5pKpaRlQ78oSvv3j+2wFQia/RANQQeDAB0cQ";

/// Hashing failed. Only a broken parameter set or salt can cause it, never the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn params() -> Result<Params, HashError> {
    Params::new(
        ARGON2_MEMORY_KIB,
        ARGON2_ITERATIONS,
        ARGON2_PARALLELISM,
        Some(OUTPUT_LEN),
    )
    .map_err(|e| HashError(e.to_string()))
}

/// The working memory of one Argon2id computation at the current parameters (19 MiB), to be
/// kept and reused. Hashing with memory the caller owns means a server can hold a fixed number
/// of these instead of asking the allocator for 19 MiB per sign-in: allocators keep what a
/// thread once used, so a burst of sign-ins would otherwise leave gigabytes resident.
pub struct HashMemory(Vec<Block>);

impl HashMemory {
    /// Allocates the blocks once.
    pub fn new() -> Self {
        Self(vec![Block::default(); ARGON2_MEMORY_KIB as usize])
    }
}

impl Default for HashMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for HashMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashMemory({} KiB)", self.0.len())
    }
}

/// Runs Argon2id with `params` over `memory`, into `out`. A stored hash made with more memory
/// than ours (which this product never makes) gets a one-off allocation.
fn derive(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut HashMemory,
) -> Result<(), argon2::Error> {
    let needed = params.block_count();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    if needed <= memory.0.len() {
        argon2.hash_password_into_with_memory(password, salt, out, memory.0.as_mut_slice())
    } else {
        let mut larger = vec![Block::default(); needed];
        argon2.hash_password_into_with_memory(password, salt, out, larger.as_mut_slice())
    }
}

/// Hashes a policy-checked password with Argon2id and a fresh 16-byte salt, giving a PHC string
/// such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// Slow on purpose (see the module docs): run it in `spawn_blocking`.
///
/// # Errors
/// [`HashError`] if the Argon2 implementation refuses its parameters or the salt; with the
/// constants above that does not happen, but it is reported rather than assumed.
pub fn hash_password(password: &NewPassword, rng: &dyn RandomSource) -> Result<StoredPasswordHash, HashError> {
    hash_password_in(password, rng, &mut HashMemory::new())
}

/// [`hash_password`] over memory the caller keeps.
///
/// # Errors
/// As [`hash_password`].
pub fn hash_password_in(
    password: &NewPassword,
    rng: &dyn RandomSource,
    memory: &mut HashMemory,
) -> Result<StoredPasswordHash, HashError> {
    let salt: [u8; SALT_LEN] = random::bytes(rng);
    let params = params()?;
    let mut out = [0u8; OUTPUT_LEN];
    derive(params.clone(), password.expose().as_bytes(), &salt, &mut out, memory)
        .map_err(|e| HashError(e.to_string()))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| HashError(e.to_string()))?,
        salt: Some(Salt::new(&salt).map_err(|e| HashError(e.to_string()))?),
        hash: Some(Output::new(&out).map_err(|e| HashError(e.to_string()))?),
    };
    Ok(StoredPasswordHash::new(hash.to_string()))
}

/// True when `candidate` is the password `stored` was made from. The comparison of the derived
/// hashes is constant-time; a stored string that is not an Argon2id PHC string verifies
/// nothing. Slow on purpose: run it in `spawn_blocking`.
pub fn verify_password(candidate: &str, stored: &StoredPasswordHash) -> bool {
    verify_password_in(candidate, stored, &mut HashMemory::new())
}

/// [`verify_password`] over memory the caller keeps.
pub fn verify_password_in(candidate: &str, stored: &StoredPasswordHash, memory: &mut HashMemory) -> bool {
    verify_phc(candidate, stored.as_str(), memory)
}

/// Spends the same time as [`verify_password`] and always answers `false`. Call it when the email
/// at login belongs to nobody (or to a user without a password), so response times do not reveal
/// which addresses have accounts.
pub fn dummy_verify(candidate: &str) -> bool {
    dummy_verify_in(candidate, &mut HashMemory::new())
}

/// [`dummy_verify`] over memory the caller keeps.
pub fn dummy_verify_in(candidate: &str, memory: &mut HashMemory) -> bool {
    // The result is discarded: even if someone guessed the dummy's password, it opens nothing.
    let _ = verify_phc(candidate, DUMMY_HASH, memory);
    false
}

fn verify_phc(candidate: &str, phc: &str, memory: &mut HashMemory) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm.as_str() != Algorithm::Argon2id.ident().as_str()
        || parsed.version != Some(Version::V0x13.into())
    {
        return false;
    }
    // The parameters and salt come from the PHC string, so hashes made with older settings
    // still verify; `needs_rehash` says when to replace them.
    let (Ok(params), Some(salt), Some(expected)) = (Params::try_from(&parsed), parsed.salt, parsed.hash) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let Ok(params) = with_output_len(&params, out.len()) else {
        return false;
    };
    if derive(params, candidate.as_bytes(), salt.as_ref(), &mut out, memory).is_err() {
        return false;
    }
    bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// `params` with the output length a stored hash was made with.
fn with_output_len(params: &Params, len: usize) -> Result<Params, argon2::Error> {
    Params::new(params.m_cost(), params.t_cost(), params.p_cost(), Some(len))
}

/// True when `stored` was not made with the current algorithm and parameters, so the server should
/// hash the password again (with the plaintext it has just verified) and store the new hash.
pub fn needs_rehash(stored: &StoredPasswordHash) -> bool {
    let Ok(parsed) = PasswordHash::new(stored.as_str()) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm.as_str() != Algorithm::Argon2id.ident().as_str()
        || parsed.version != Some(Version::V0x13.into())
        || params.m_cost() != ARGON2_MEMORY_KIB
        || params.t_cost() != ARGON2_ITERATIONS
        || params.p_cost() != ARGON2_PARALLELISM
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordHasher as _;

    use super::*;
    use crate::testing::SeededRandom;

    fn password(text: &str) -> NewPassword {
        NewPassword::parse(text).unwrap()
    }

    #[test]
    fn the_stored_hash_is_argon2id_at_19_mib_two_passes_one_lane() {
        let stored = hash_password(&password("tulip-ostrich-lamp"), &SeededRandom::new(1)).unwrap();
        let parsed = PasswordHash::new(stored.as_str()).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(parsed.version, Some(19));
        assert_eq!(parsed.params.get_decimal("m"), Some(19_456));
        assert_eq!(parsed.params.get_decimal("t"), Some(2));
        assert_eq!(parsed.params.get_decimal("p"), Some(1));
        assert_eq!(parsed.salt.map(|salt| salt.len()), Some(SALT_LEN));
        assert_eq!(parsed.hash.map(|hash| hash.len()), Some(OUTPUT_LEN));
        assert!(stored.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!needs_rehash(&stored));
    }

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let stored = hash_password(&password("tulip-ostrich-lamp"), &SeededRandom::new(2)).unwrap();
        assert!(verify_password("tulip-ostrich-lamp", &stored));
        assert!(!verify_password("tulip-ostrich-lamP", &stored));
        assert!(!verify_password("", &stored));
    }

    #[test]
    fn each_hash_gets_its_own_salt() {
        let rng = SeededRandom::new(3);
        let first = hash_password(&password("tulip-ostrich-lamp"), &rng).unwrap();
        let second = hash_password(&password("tulip-ostrich-lamp"), &rng).unwrap();
        assert_ne!(first, second);
        assert!(verify_password("tulip-ostrich-lamp", &second));
    }

    #[test]
    fn a_stored_value_that_is_not_an_argon2id_phc_string_verifies_nothing() {
        for junk in [
            "",
            "plaintext",
            "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
            "$2b$12$abc",
        ] {
            assert!(!verify_password("anything", &StoredPasswordHash::new(junk.to_owned())));
            assert!(needs_rehash(&StoredPasswordHash::new(junk.to_owned())));
        }
    }

    #[test]
    fn hashes_made_with_weaker_parameters_still_verify_and_ask_to_be_replaced() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 1, 1, None).unwrap(),
        )
        .hash_password_with_salt(b"tulip-ostrich-lamp", &[9; 16])
        .unwrap()
        .to_string();
        let stored = StoredPasswordHash::new(weak);
        assert!(verify_password("tulip-ostrich-lamp", &stored));
        assert!(needs_rehash(&stored));
    }

    #[test]
    fn memory_kept_between_calls_gives_the_same_answers_as_fresh_memory() {
        let mut memory = HashMemory::new();
        let stored = hash_password_in(&password("tulip-ostrich-lamp"), &SeededRandom::new(4), &mut memory).unwrap();
        assert!(verify_password("tulip-ostrich-lamp", &stored));
        assert!(verify_password_in("tulip-ostrich-lamp", &stored, &mut memory));
        assert!(!verify_password_in("tulip-ostrich-lamP", &stored, &mut memory));
        assert!(verify_password_in("tulip-ostrich-lamp", &stored, &mut memory));
        assert!(!dummy_verify_in("tulip-ostrich-lamp", &mut memory));
        // A hash made by the argon2 crate's own API verifies over our memory too.
        let theirs = Argon2::default()
            .hash_password_with_salt(b"tulip-ostrich-lamp", &[7; 16])
            .unwrap()
            .to_string();
        assert!(verify_password_in(
            "tulip-ostrich-lamp",
            &StoredPasswordHash::new(theirs),
            &mut memory
        ));
    }

    #[test]
    fn the_dummy_hash_is_a_real_hash_at_the_current_parameters_and_never_lets_anyone_in() {
        let dummy = StoredPasswordHash::new(DUMMY_HASH.to_owned());
        assert!(!needs_rehash(&dummy), "the dummy must cost what a real hash costs");
        assert!(!dummy_verify("tulip-ostrich-lamp"));
        assert!(!dummy_verify(""));
    }
}
