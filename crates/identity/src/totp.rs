//! The second factor: TOTP (RFC 6238) with HMAC-SHA-1, 30-second steps and 6 digits, as every
//! authenticator app understands. It must never accept a code twice, and never print a secret.

use std::fmt::{self, Write};

use chrono::{DateTime, Utc};
use domain::Email;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

use crate::random::{self, RandomSource};

/// Length of a TOTP secret in bytes: 160 bits, the HMAC-SHA-1 output size (RFC 4226 §4).
pub const TOTP_SECRET_BYTES: usize = 20;
/// Seconds per time step.
pub const TOTP_STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const TOTP_DIGITS: u32 = 6;
/// Steps either side of the current one that are still accepted, for clock drift and typing time.
pub const TOTP_WINDOW: u64 = 1;

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
        base32(&self.0)
    }

    /// The `otpauth://` URI to show as a QR code at enrolment, labelled
    /// `Compliance Vault:{email}`.
    pub fn provisioning_uri(&self, email: &Email) -> String {
        let issuer = percent_encode(ISSUER);
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
             &algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
            account = percent_encode(email.as_str()),
            secret = self.to_base32(),
        )
    }

    /// The code an authenticator app shows at `now`; `None` before 1970. For tests and tools: the
    /// server only ever verifies.
    pub fn code_at(&self, now: DateTime<Utc>) -> Option<String> {
        let step = step_at(now)?;
        let code = code_for_step(&self.0, step, TOTP_DIGITS)?;
        Some(format!("{code:0width$}", width = TOTP_DIGITS as usize))
    }

    /// Checks a code typed at `now`, accepting the current step and [`TOTP_WINDOW`] step either
    /// side. Returns the step the code belongs to, which the caller MUST store as the new
    /// `last_used_step`: a code for that step or any earlier one is refused from then on, so an
    /// observed code cannot be replayed. Spaces in the code are ignored; the comparison is
    /// constant-time.
    pub fn verify(&self, code: &str, now: DateTime<Utc>, last_used_step: Option<u64>) -> Option<u64> {
        let presented = parse_code(code)?;
        let current = step_at(now)?;
        let mut matched = None;
        // Every candidate is computed and compared, so timing does not tell which step matched.
        for step in current.saturating_sub(TOTP_WINDOW)..=current.saturating_add(TOTP_WINDOW) {
            let fresh = last_used_step.is_none_or(|used| step > used);
            let expected = code_for_step(&self.0, step, TOTP_DIGITS)?;
            if bool::from(expected.ct_eq(&presented)) && fresh {
                matched = Some(step);
            }
        }
        matched
    }
}

/// The RFC 6238 time step containing `now`; `None` before the epoch.
fn step_at(now: DateTime<Utc>) -> Option<u64> {
    let seconds = u64::try_from(now.timestamp()).ok()?;
    seconds.checked_div(TOTP_STEP_SECONDS.unsigned_abs())
}

/// HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the big-endian counter, dynamically truncated.
fn code_for_step(key: &[u8], step: u64, digits: u32) -> Option<u32> {
    // HMAC takes keys of any length, so this never fails; `None` keeps that honest without a panic.
    let mut mac = Hmac::<Sha1>::new_from_slice(key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.last()? & 0x0f);
    let window: [u8; 4] = digest.get(offset..offset + 4)?.try_into().ok()?;
    let binary = u32::from_be_bytes(window) & 0x7fff_ffff;
    Some(binary % 10u32.checked_pow(digits)?)
}

fn parse_code(code: &str) -> Option<u32> {
    let digits: String = code.chars().filter(|c| *c != ' ').collect();
    if digits.len() != TOTP_DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[usize::from((buffer >> bits) & 0x1f)]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[usize::from((buffer << (5 - bits)) & 0x1f)]));
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `@`, which is what
/// authenticator apps expect in the label and the issuer parameter.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
#[path = "totp_tests.rs"]
mod tests;
