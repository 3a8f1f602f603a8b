//! What the access use cases need from the outside, in one bundle.

use identity::{RandomSource, SessionSigner, TotpKey};
use ports::{Clock, PasswordHasher, RateLimiter, Store, StoreError};

use super::LoginLimits;
use crate::mail::Links;

/// The ports and keys every access use case takes.
#[derive(Debug, Clone, Copy)]
pub struct AccessServices<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub limiter: &'a dyn RateLimiter,
    pub hasher: &'a dyn PasswordHasher,
    pub sessions: &'a SessionSigner,
    pub rng: &'a dyn RandomSource,
    /// Builds every link an email carries.
    pub links: &'a Links,
    pub login_limits: LoginLimits,
    /// Encrypts admins' TOTP secrets at rest.
    pub totp_key: &'a TotpKey,
}

/// A failure no caller can act on: the store, or the hashing or signing machinery.
#[derive(Debug, thiserror::Error)]
pub enum AccessFailure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Unexpected(String),
}
