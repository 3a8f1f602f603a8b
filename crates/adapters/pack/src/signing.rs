//! The instance's Ed25519 key for packs: it signs each pack's manifest; its public half is served
//! at `GET /api/pack-key` so anyone can check a pack without us.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use ports::PackSigner;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not base64 of 32 bytes")]
    Malformed,
}

/// Reads 32 bytes written as base64 (standard or URL-safe alphabet, padded or not).
fn key_bytes(text: &str) -> Result<[u8; 32], KeyError> {
    let text = text.trim();
    let bytes = STANDARD
        .decode(text)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
        .map_err(|_| KeyError::Malformed)?;
    <[u8; 32]>::try_from(bytes).map_err(|_| KeyError::Malformed)
}

/// The signing key (the private seed).
pub struct Ed25519PackSigner {
    key: SigningKey,
}

impl std::fmt::Debug for Ed25519PackSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519PackSigner")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Ed25519PackSigner {
    /// From the 32-byte seed, base64 (`PACK_SIGNING_KEY`).
    ///
    /// # Errors
    /// [`KeyError::Malformed`] for anything but base64 of 32 bytes.
    pub fn from_base64(seed: &str) -> Result<Self, KeyError> {
        Ok(Self::from_seed(key_bytes(seed)?))
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The seed as base64, for keeping in a file.
    pub fn seed_base64(&self) -> String {
        STANDARD.encode(self.key.to_bytes())
    }
}

impl PackSigner for Ed25519PackSigner {
    fn public_key(&self) -> String {
        STANDARD.encode(self.key.verifying_key().to_bytes())
    }

    fn sign(&self, message: &[u8]) -> String {
        STANDARD.encode(self.key.sign(message).to_bytes())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureCheck {
    #[error("the key is not an Ed25519 public key (base64 of 32 bytes)")]
    BadKey,
    #[error("the signature is not base64 of 64 bytes")]
    Malformed,
    #[error("the signature does not match the manifest under this key")]
    Mismatch,
}

/// Checks `signature` (base64, as in `manifest.sig`) of `message` under `public_key` (base64).
///
/// # Errors
/// [`SignatureCheck`] saying which part is wrong.
pub fn verify_signature(public_key: &str, message: &[u8], signature: &str) -> Result<(), SignatureCheck> {
    let key = key_bytes(public_key).map_err(|_| SignatureCheck::BadKey)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| SignatureCheck::BadKey)?;
    let bytes = STANDARD
        .decode(signature.trim())
        .map_err(|_| SignatureCheck::Malformed)?;
    let bytes = <[u8; 64]>::try_from(bytes).map_err(|_| SignatureCheck::Malformed)?;
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .map_err(|_| SignatureCheck::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_under_its_key_only() {
        let signer = Ed25519PackSigner::from_seed([7; 32]);
        let again = Ed25519PackSigner::from_base64(&signer.seed_base64()).unwrap();
        assert_eq!(again.public_key(), signer.public_key());
        let signature = signer.sign(b"manifest");
        assert_eq!(verify_signature(&signer.public_key(), b"manifest", &signature), Ok(()));
        assert_eq!(
            verify_signature(&signer.public_key(), b"manifest!", &signature),
            Err(SignatureCheck::Mismatch)
        );
        let other = Ed25519PackSigner::from_seed([8; 32]);
        assert_eq!(
            verify_signature(&other.public_key(), b"manifest", &signature),
            Err(SignatureCheck::Mismatch)
        );
        assert_eq!(verify_signature("abc", b"m", &signature), Err(SignatureCheck::BadKey));
        assert_eq!(
            verify_signature(&signer.public_key(), b"m", "abc"),
            Err(SignatureCheck::Malformed)
        );
        assert!(Ed25519PackSigner::from_base64("short").is_err());
    }
}
