//! Stripe's webhook signatures, as pure functions: no clock, no I/O.
//!
//! Stripe sends `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`. Each `v1`
//! is the hex HMAC-SHA256 of `"{t}.{raw body}"` keyed with the endpoint's signing secret (the
//! whole `whsec_…` string, as bytes). While a secret is being rolled Stripe signs with both the
//! old and the new one, so any one matching `v1` is enough. `v0` (test-mode legacy) and unknown
//! items are ignored.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

/// How far (in seconds, either way) a signature's timestamp may be from now: Stripe's default.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook's signature was refused. No variant carries the secret or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// There is no `Stripe-Signature` header.
    MissingHeader,
    /// The header has no `t`, more than one `t`, a `t` that is not a number of seconds, or no `v1`.
    Malformed,
    /// No `v1` signature matches the body and the secret.
    Mismatch,
    /// The signature is valid but its timestamp lies more than the tolerance away from now, in
    /// the past (a replay) or the future.
    TooOld,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingHeader => "the Stripe-Signature header is missing",
            Self::Malformed => "the Stripe-Signature header is malformed",
            Self::Mismatch => "no Stripe signature matches the payload",
            Self::TooOld => "the Stripe signature's timestamp is outside the tolerance",
        })
    }
}

impl std::error::Error for SignatureError {}

/// The `Stripe-Signature` header value Stripe would send for `payload` signed with `secret` at
/// `timestamp`: `t={timestamp},v1={hex}`. For tests and local tooling.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = mac(payload, secret, &timestamp.to_string())
        .map(hex::encode)
        .unwrap_or_default();
    format!("t={timestamp},v1={signature}")
}

/// Checks a webhook's `Stripe-Signature` header against its raw body, the endpoint's secret and
/// the current time (`now`, unix seconds). The signature is checked first, then the timestamp.
///
/// # Errors
/// [`SignatureError`]: the header is missing or malformed, no `v1` matches, or the (validly
/// signed) timestamp is more than `tolerance_secs` from `now`.
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secret: &str,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let header = parse_header(header.ok_or(SignatureError::MissingHeader)?)?;
    let expected = mac(payload, secret, header.timestamp_text).ok_or(SignatureError::Mismatch)?;
    let mut matched = Choice::from(0);
    for candidate in &header.signatures {
        // A candidate that is not hex cannot match; its length is no secret.
        if let Ok(bytes) = hex::decode(candidate) {
            matched |= expected.as_slice().ct_eq(bytes.as_slice());
        }
    }
    if !bool::from(matched) {
        return Err(SignatureError::Mismatch);
    }
    let age = now.checked_sub(header.timestamp).ok_or(SignatureError::TooOld)?;
    if age > tolerance_secs || age < tolerance_secs.saturating_neg() {
        return Err(SignatureError::TooOld);
    }
    Ok(())
}

/// The parts of a `Stripe-Signature` header that matter.
struct Header<'a> {
    /// `t` as sent: it is signed as text.
    timestamp_text: &'a str,
    timestamp: i64,
    signatures: Vec<&'a str>,
}

fn parse_header(header: &str) -> Result<Header<'_>, SignatureError> {
    let mut timestamp_text = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "t" if timestamp_text.is_some() => return Err(SignatureError::Malformed),
            "t" => timestamp_text = Some(value),
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    let timestamp_text = timestamp_text.ok_or(SignatureError::Malformed)?;
    if timestamp_text.is_empty() || !timestamp_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::Malformed);
    }
    let timestamp = timestamp_text.parse().map_err(|_| SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    Ok(Header {
        timestamp_text,
        timestamp,
        signatures,
    })
}

/// HMAC-SHA256 of `"{timestamp}.{payload}"` under `secret`.
fn mac(payload: &[u8], secret: &str, timestamp: &str) -> Option<[u8; 32]> {
    // HMAC takes keys of any length, so this never fails; `None` keeps that honest without a panic.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(payload);
    Some(mac.finalize().into_bytes().into())
}
