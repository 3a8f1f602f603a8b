//! Recovery codes: single-use stand-ins for the TOTP code when an admin loses the authenticator.
//! Only their hashes are stored; this module must never keep or print the plaintext.
//!
//! A code has 10 characters from a 32-letter alphabet: 50 bits. That is weak against offline
//! guessing of an unsalted SHA-256, and acceptable because a code replaces only the second
//! factor: a leaked database still leaves the Argon2id-protected password to find, and online
//! attempts are throttled like logins.

use crate::random::{self, RandomSource};
use crate::token::TokenHash;

/// How many recovery codes one enrolment yields.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters in one recovery code.
pub const RECOVERY_CODE_LEN: usize = 10;
/// Digits and capitals without the look-alikes 0/O and 1/I: 32 symbols, so one random byte
/// modulo 32 picks each without bias.
pub const RECOVERY_CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Makes [`RECOVERY_CODE_COUNT`] fresh codes: the plaintexts to show the user once, and, in the
/// same order, the hashes to store.
pub fn generate_recovery_codes(rng: &dyn RandomSource) -> (Vec<String>, Vec<TokenHash>) {
    let codes: Vec<String> = (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let bytes: [u8; RECOVERY_CODE_LEN] = random::bytes(rng);
            bytes
                .iter()
                .map(|byte| char::from(RECOVERY_CODE_ALPHABET[usize::from(byte % 32)]))
                .collect()
        })
        .collect();
    let hashes = codes.iter().map(|code| TokenHash::of(code)).collect();
    (codes, hashes)
}

/// The hash to look up for a code the user typed, forgiving case, spaces and dashes (`abcde-fghjk`
/// finds `ABCDEFGHJK`). `None` when it cannot be a recovery code at all.
pub fn recovery_code_hash(presented: &str) -> Option<TokenHash> {
    let normalised: String = presented
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let well_formed =
        normalised.len() == RECOVERY_CODE_LEN && normalised.bytes().all(|b| RECOVERY_CODE_ALPHABET.contains(&b));
    well_formed.then(|| TokenHash::of(&normalised))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::testing::SeededRandom;

    #[test]
    fn ten_codes_of_ten_unambiguous_characters_are_made_and_all_differ() {
        let (codes, hashes) = generate_recovery_codes(&SeededRandom::new(1));
        assert_eq!(codes.len(), 10);
        assert_eq!(hashes.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 10);
            assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
            assert!(code.bytes().all(|b| RECOVERY_CODE_ALPHABET.contains(&b)), "{code}");
        }
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 10);
    }

    #[test]
    fn only_hashes_are_stored_and_each_matches_its_code() {
        let (codes, hashes) = generate_recovery_codes(&SeededRandom::new(2));
        for (code, hash) in codes.iter().zip(&hashes) {
            assert_eq!(TokenHash::of(code), *hash);
            assert_eq!(recovery_code_hash(code), Some(*hash));
        }
    }

    #[test]
    fn a_typed_code_is_forgiven_its_case_spaces_and_dashes() {
        let expected = TokenHash::of("ABCDEFGHJK");
        for typed in ["ABCDEFGHJK", "abcdefghjk", "abcde-fghjk", " ABCDE FGHJK "] {
            assert_eq!(recovery_code_hash(typed), Some(expected), "{typed}");
        }
    }

    #[test]
    fn text_that_cannot_be_a_code_is_refused() {
        for junk in ["", "ABCDEFGHJ", "ABCDEFGHJKL", "ABCDEFGHJ0", "ABCDEFGHJI", "ABCDÉFGHJK"] {
            assert_eq!(recovery_code_hash(junk), None, "{junk}");
        }
    }
}
