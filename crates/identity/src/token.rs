//! Password-setup and password-reset tokens: 256 random bits, of which only a SHA-256 hash is kept.
//! This module must never print a token, and never decide single use or revocation: those are the
//! store's job, done atomically there.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use domain::TokenKind;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::random::{self, RandomSource};

/// How long a setup or reset link works: 60 minutes from issue.
pub const TOKEN_TTL: Duration = Duration::minutes(60);

/// Random bytes in a token: 32 bytes, 256 bits.
pub const TOKEN_BYTES: usize = 32;

/// The SHA-256 of a secret (a password token or a recovery code): what the store keeps and looks
/// up, so a database dump holds no usable secret. A fast hash suffices for password tokens
/// because they carry 256 random bits; nothing can be guessed from the hash.
#[derive(Clone, Copy, Eq)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of a token or recovery code exactly as presented (a link's token is ASCII).
    pub fn of(plaintext: &str) -> Self {
        Self(Sha256::digest(plaintext.as_bytes()).into())
    }

    /// Rebuilds a hash read back from the store.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw hash, for storing.
    pub const fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// The raw hash, borrowed.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        // Constant time, so comparing in memory reveals nothing even about the hash.
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not a secret, but kept out of logs like everything derived from one.
        f.write_str("TokenHash([REDACTED])")
    }
}

/// A token's plaintext: the only copy there will ever be. It goes into the emailed link and
/// nowhere else; `Debug` and `Display` are not given to it on purpose.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPlaintext(String);

impl TokenPlaintext {
    /// The token text (43 URL-safe base64 characters), for building the link. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenPlaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenPlaintext([REDACTED])")
    }
}

/// A freshly issued token: the plaintext for the email, the hash and expiry for the store.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// Why it was issued.
    pub kind: TokenKind,
    /// The plaintext, to put in the link and then drop.
    pub plaintext: TokenPlaintext,
    /// What the store keeps.
    pub hash: TokenHash,
    /// The first instant at which the token no longer works: issue time plus [`TOKEN_TTL`].
    pub expires_at: DateTime<Utc>,
}

/// Issues a setup or reset token at `now`: 32 bytes from `rng`, URL-safe base64 without padding.
pub fn issue_token(kind: TokenKind, now: DateTime<Utc>, rng: &dyn RandomSource) -> IssuedToken {
    let bytes: [u8; TOKEN_BYTES] = random::bytes(rng);
    let plaintext = URL_SAFE_NO_PAD.encode(bytes);
    IssuedToken {
        kind,
        hash: TokenHash::of(&plaintext),
        plaintext: TokenPlaintext(plaintext),
        // Saturating rather than panicking; no real clock is within an hour of chrono's limit.
        expires_at: now.checked_add_signed(TOKEN_TTL).unwrap_or(DateTime::<Utc>::MAX_UTC),
    }
}

/// True while a token expiring at `expires_at` may still be used at `now`: strictly before its
/// expiry, so a 60-minute token works at 59:59 and not at 60:00.
pub fn is_valid_at(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < expires_at
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::testing::SeededRandom;

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_token_holds_256_random_bits_as_43_url_safe_characters() {
        let token = issue_token(TokenKind::Setup, noon(), &SeededRandom::new(1));
        let text = token.plaintext.expose();
        assert_eq!(text.len(), 43);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(text).unwrap().len(), 32);
        assert_eq!(token.kind, TokenKind::Setup);
    }

    #[test]
    fn the_stored_hash_is_the_sha256_of_the_plaintext() {
        let token = issue_token(TokenKind::Reset, noon(), &SeededRandom::new(2));
        let expected: [u8; 32] = Sha256::digest(token.plaintext.expose().as_bytes()).into();
        assert_eq!(token.hash.to_bytes(), expected);
        assert_eq!(TokenHash::of(token.plaintext.expose()), token.hash);
        assert_ne!(TokenHash::of("something else"), token.hash);
        assert_eq!(TokenHash::from_bytes(expected), token.hash);
    }

    #[test]
    fn two_tokens_differ() {
        let rng = SeededRandom::new(3);
        let first = issue_token(TokenKind::Setup, noon(), &rng);
        let second = issue_token(TokenKind::Setup, noon(), &rng);
        assert_ne!(first.plaintext, second.plaintext);
        assert_ne!(first.hash, second.hash);
    }

    #[test]
    fn a_token_works_at_59_minutes_59_seconds_and_not_at_60_minutes() {
        let token = issue_token(TokenKind::Setup, noon(), &SeededRandom::new(4));
        assert_eq!(token.expires_at, noon() + Duration::minutes(60));
        assert!(is_valid_at(token.expires_at, noon()));
        assert!(is_valid_at(token.expires_at, noon() + Duration::seconds(59 * 60 + 59)));
        assert!(!is_valid_at(token.expires_at, noon() + Duration::minutes(60)));
        assert!(!is_valid_at(token.expires_at, noon() + Duration::hours(5)));
    }

    #[test]
    fn debug_output_holds_neither_the_token_nor_its_hash() {
        let token = issue_token(TokenKind::Reset, noon(), &SeededRandom::new(5));
        let printed = format!("{token:?}");
        assert!(!printed.contains(token.plaintext.expose()), "{printed}");
        assert!(printed.contains("TokenPlaintext([REDACTED])"));
        assert!(printed.contains("TokenHash([REDACTED])"));
    }
}
