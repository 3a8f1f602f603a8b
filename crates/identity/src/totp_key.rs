//! The key that keeps admins' TOTP secrets encrypted at rest (XChaCha20-Poly1305). A database
//! dump without the key holds no usable second factor; a sealed secret copied onto another user's
//! row does not open, since the user's id is bound into the seal.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use domain::UserId;

use crate::random::{self, RandomSource};
use crate::totp::{TOTP_SECRET_BYTES, TotpSecret};

/// The first byte of a sealed secret: which format follows.
const VERSION: u8 = 1;
const NONCE_BYTES: usize = 24;
const TAG_BYTES: usize = 16;
/// The length of a sealed secret: version, nonce, ciphertext, tag.
pub const SEALED_TOTP_SECRET_BYTES: usize = 1 + NONCE_BYTES + TOTP_SECRET_BYTES + TAG_BYTES;

/// 32 secret bytes. `Debug` never shows them.
#[derive(Clone)]
pub struct TotpKey([u8; 32]);

impl fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpKey([REDACTED])")
    }
}

/// Why a key or a sealed secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpKeyError {
    /// Not 32 bytes of standard base64.
    #[error("must be 32 bytes in standard base64 (`openssl rand -base64 32`)")]
    Malformed,
    /// The sealed bytes are not ours, were changed, or belong to another user or key.
    #[error("the sealed second-factor secret does not open with this key")]
    WrongKeyOrTampered,
}

impl TotpKey {
    /// Parses 32 bytes written in standard base64 (surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`TotpKeyError::Malformed`] for anything else.
    pub fn from_base64(text: &str) -> Result<Self, TotpKeyError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| TotpKeyError::Malformed)?;
        Ok(Self(bytes.try_into().map_err(|_| TotpKeyError::Malformed)?))
    }

    /// A new random key, for a development data directory.
    pub fn generate(rng: &dyn RandomSource) -> Self {
        Self(random::bytes(rng))
    }

    /// The key in standard base64, to write where it is kept. Never log it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.0.into())
    }

    /// Encrypts `secret` for `user` under a fresh random nonce.
    pub fn seal(&self, user: UserId, secret: &TotpSecret, rng: &dyn RandomSource) -> Vec<u8> {
        let nonce: [u8; NONCE_BYTES] = random::bytes(rng);
        let aad = user.to_string();
        let payload = Payload {
            msg: secret.expose(),
            aad: aad.as_bytes(),
        };
        // Encryption into a Vec fails only if the message is too long for the cipher; 20 bytes
        // never is, so an empty result (which never opens) stands in for the impossible case.
        let ciphertext = self.cipher().encrypt(&XNonce::from(nonce), payload).unwrap_or_default();
        let mut sealed = Vec::with_capacity(SEALED_TOTP_SECRET_BYTES);
        sealed.push(VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts what [`TotpKey::seal`] made for `user`.
    ///
    /// # Errors
    /// [`TotpKeyError::WrongKeyOrTampered`] when it was sealed with another key, for another
    /// user, or changed since.
    pub fn open(&self, user: UserId, sealed: &[u8]) -> Result<TotpSecret, TotpKeyError> {
        let (Some(&VERSION), Some(nonce), Some(ciphertext)) = (
            sealed.first(),
            sealed.get(1..=NONCE_BYTES),
            sealed.get(1 + NONCE_BYTES..),
        ) else {
            return Err(TotpKeyError::WrongKeyOrTampered);
        };
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| TotpKeyError::WrongKeyOrTampered)?;
        let aad = user.to_string();
        let plain = self
            .cipher()
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| TotpKeyError::WrongKeyOrTampered)?;
        let bytes: [u8; TOTP_SECRET_BYTES] = plain.try_into().map_err(|_| TotpKeyError::WrongKeyOrTampered)?;
        Ok(TotpSecret::from_bytes(bytes))
    }

    /// Whether stored bytes are a secret from before encryption at rest (20 clear bytes), which
    /// the server seals at start.
    pub fn is_clear(stored: &[u8]) -> bool {
        stored.len() == TOTP_SECRET_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::SeededRandom;

    fn user() -> UserId {
        UserId::from_uuid(uuid::Uuid::now_v7())
    }

    #[test]
    fn a_sealed_secret_opens_for_its_user_with_its_key_only() {
        let rng = SeededRandom::new(7);
        let key = TotpKey::generate(&rng);
        let secret = TotpSecret::generate(&rng);
        let alice = user();
        let sealed = key.seal(alice, &secret, &rng);
        assert_eq!(sealed.len(), SEALED_TOTP_SECRET_BYTES);
        assert!(!TotpKey::is_clear(&sealed));
        assert!(
            !sealed.windows(TOTP_SECRET_BYTES).any(|w| w == secret.expose()),
            "the secret is not in the clear"
        );
        assert_eq!(key.open(alice, &sealed).unwrap(), secret);
        assert_eq!(key.open(user(), &sealed), Err(TotpKeyError::WrongKeyOrTampered));
        let other = TotpKey::generate(&rng);
        assert_eq!(other.open(alice, &sealed), Err(TotpKeyError::WrongKeyOrTampered));
        let mut changed = sealed.clone();
        changed[30] ^= 1;
        assert_eq!(key.open(alice, &changed), Err(TotpKeyError::WrongKeyOrTampered));
        assert_eq!(key.open(alice, secret.expose()), Err(TotpKeyError::WrongKeyOrTampered));
        assert_ne!(key.seal(alice, &secret, &rng), sealed, "a fresh nonce each time");
    }

    #[test]
    fn the_key_is_32_bytes_of_standard_base64_and_never_printed() {
        let key = TotpKey::generate(&SeededRandom::new(8));
        let text = key.to_base64();
        assert_eq!(TotpKey::from_base64(&format!(" {text}\n")).unwrap().0, key.0);
        assert_eq!(format!("{key:?}"), "TotpKey([REDACTED])");
        for bad in ["", "not base64!", "c2hvcnQ=", &STANDARD.encode([0u8; 31])] {
            assert_eq!(TotpKey::from_base64(bad).unwrap_err(), TotpKeyError::Malformed);
        }
    }
}
