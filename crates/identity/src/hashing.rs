//! Password hashing with Argon2id at the OWASP parameters (19 MiB, t=2, p=1). It must never log,
//! return or keep a password, and never answer faster for an unknown user than for a known one.
//!
//! Hashing and verifying each take tens of milliseconds of CPU and 19 MiB of memory on purpose:
//! the server MUST call them off its async workers (`tokio::task::spawn_blocking`).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use domain::StoredPasswordHash;

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

fn argon2id() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(
        ARGON2_MEMORY_KIB,
        ARGON2_ITERATIONS,
        ARGON2_PARALLELISM,
        Some(OUTPUT_LEN),
    )
    .map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
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
    let salt: [u8; SALT_LEN] = random::bytes(rng);
    let hash = argon2id()?
        .hash_password_with_salt(password.expose().as_bytes(), &salt)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(StoredPasswordHash::new(hash.to_string()))
}

/// True when `candidate` is the password `stored` was made from. The comparison of the derived
/// hashes is constant-time (done by the `argon2` crate); a stored string that is not an Argon2id
/// PHC string verifies nothing. Slow on purpose: run it in `spawn_blocking`.
pub fn verify_password(candidate: &str, stored: &StoredPasswordHash) -> bool {
    verify_phc(candidate, stored.as_str())
}

/// Spends the same time as [`verify_password`] and always answers `false`. Call it when the email
/// at login belongs to nobody (or to a user without a password), so response times do not reveal
/// which addresses have accounts.
pub fn dummy_verify(candidate: &str) -> bool {
    // The result is discarded: even if someone guessed the dummy's password, it opens nothing.
    let _ = verify_phc(candidate, DUMMY_HASH);
    false
}

fn verify_phc(candidate: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm.as_str() != Algorithm::Argon2id.ident().as_str() {
        return false;
    }
    // The parameters and salt come from the PHC string, so hashes made with older settings
    // still verify; `needs_rehash` says when to replace them.
    Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok()
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
    fn the_dummy_hash_is_a_real_hash_at_the_current_parameters_and_never_lets_anyone_in() {
        let dummy = StoredPasswordHash::new(DUMMY_HASH.to_owned());
        assert!(!needs_rehash(&dummy), "the dummy must cost what a real hash costs");
        assert!(!dummy_verify("tulip-ostrich-lamp"));
        assert!(!dummy_verify(""));
    }
}
