//! The second factor: TOTP (RFC 6238) with HMAC-SHA-1, 30-second steps and 6 digits, as every
//! authenticator app understands. The codes and the enrolment URI come from `totp-rs`; what is
//! ours is the rule around them: a code is never accepted twice (nor one older than the last
//! accepted), and a secret is never printed.

use std::fmt;

use chrono::{DateTime, Utc};
use domain::Email;
use totp_rs::{Algorithm, Builder, Totp};

use crate::random::{self, RandomSource};

/// Length of a TOTP secret in bytes: 160 bits, the HMAC-SHA-1 output size (RFC 4226 §4).
pub const TOTP_SECRET_BYTES: usize = 20;
/// Seconds per time step.
pub const TOTP_STEP_SECONDS: u64 = 30;
/// Digits in a code.
pub const TOTP_DIGITS: u8 = 6;
/// Steps either side of the current one that are still accepted, for clock drift and typing time.
pub const TOTP_WINDOW: u16 = 1;

/// The name shown in authenticator apps, before the user's email.
const ISSUER: &str = "Compliance Vault";

/// A user's TOTP secret. The store should keep it encrypted; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; TOTP_SECRET_BYTES]);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret([REDACTED])")
    }
}

impl TotpSecret {
    /// A new secret of 20 random bytes, for enrolment.
    pub fn generate(rng: &dyn RandomSource) -> Self {
        Self(random::bytes(rng))
    }

    /// Rebuilds a secret read back from the store.
    pub const fn from_bytes(bytes: [u8; TOTP_SECRET_BYTES]) -> Self {
        Self(bytes)
    }

    /// The raw secret, for storing. Never log it.
    pub const fn expose(&self) -> &[u8; TOTP_SECRET_BYTES] {
        &self.0
    }

    /// The secret in base32 (RFC 4648, upper case, no padding), as authenticator apps take it.
    pub fn to_base32(&self) -> String {
        self.totp(None).secret().to_base32()
    }

    /// The `otpauth://` URI to show as a QR code at enrolment, labelled
    /// `Compliance Vault:{email}` (an email cannot hold the `:` a label refuses).
    pub fn provisioning_uri(&self, email: &Email) -> String {
        self.totp(Some(email))
            .to_url()
            .unwrap_or_else(|_| format!("otpauth://totp/?secret={}", self.to_base32()))
    }

    /// The code an authenticator app shows at `now`; `None` before 1970. For tests and tools: the
    /// server only ever verifies.
    pub fn code_at(&self, now: DateTime<Utc>) -> Option<String> {
        Some(self.totp(None).generate(unix_seconds(now)?).to_string())
    }

    /// Checks a code typed at `now`, accepting the current step and [`TOTP_WINDOW`] step either
    /// side. Returns the step the code belongs to, which the caller MUST store as the new
    /// `last_used_step`: a code for that step or any earlier one is refused from then on, so an
    /// observed code cannot be replayed. Spaces in the code are ignored; each step's code is
    /// compared in constant time.
    pub fn verify(&self, code: &str, now: DateTime<Utc>, last_used_step: Option<u64>) -> Option<u64> {
        let digits: String = code.chars().filter(|c| *c != ' ').collect();
        let step = self.totp(None).check(&digits, unix_seconds(now)?)?;
        last_used_step.is_none_or(|used| step > used).then_some(step)
    }

    /// The generator for this secret. Its parameters are constants that RFC 6238 allows, so
    /// `build` cannot refuse them; `build_noncompliant` skips only those checks.
    fn totp(&self, account: Option<&Email>) -> Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(TOTP_DIGITS)
            .with_skew(TOTP_WINDOW)
            .with_step_duration(TOTP_STEP_SECONDS)
            .with_secret(self.0)
            .with_issuer(Some(ISSUER))
            .with_account_name(account.map_or("", Email::as_str))
            .build_noncompliant()
    }
}

/// Seconds since the epoch; `None` before it.
fn unix_seconds(now: DateTime<Utc>) -> Option<u64> {
    u64::try_from(now.timestamp()).ok()
}

#[cfg(test)]
#[path = "totp_tests.rs"]
mod tests;
