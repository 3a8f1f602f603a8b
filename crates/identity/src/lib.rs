//! Identity rules for Compliance Vault: how passwords are judged and hashed, how password tokens,
//! session tokens and second factors are made and checked. Storage, rate limits and HTTP belong
//! to other crates. This crate never reads the clock (every function that needs the time takes
//! `now`) and never touches the operating system's random generator (randomness comes through
//! [`RandomSource`], which the server implements over `getrandom`).
//!
//! What it provides:
//! - [`NewPassword`]: the password policy, 12 to 128 characters, no composition rules, common
//!   passwords refused (a bundled list, compared ignoring case and spaces).
//! - [`hash_password`], [`verify_password`], [`dummy_verify`], [`needs_rehash`]: Argon2id with
//!   m = 19456 KiB, t = 2, p = 1, stored as a PHC string in [`domain::StoredPasswordHash`].
//! - [`issue_token`], [`TokenHash`], [`TOKEN_TTL`], [`is_valid_at`]: setup and reset tokens of
//!   256 bits, of which only the SHA-256 is stored, valid for 60 minutes.
//! - [`SessionSigner`]: HS256 session JWTs carrying [`SessionClaims`]; verification checks the
//!   algorithm, signature, `exp` against the given `now`, `iss`, `aud` and `kind`.
//! - [`TotpSecret`]: RFC 6238 TOTP (SHA-1, 30 s, 6 digits) with replay refusal, and
//!   [`generate_recovery_codes`] / [`recovery_code_hash`] for when the authenticator is lost.
//! - [`testing::SeededRandom`]: a deterministic [`RandomSource`] for tests, never for production.
//!
//! # Using it from the server
//!
//! - Argon2id costs tens of milliseconds and 19 MiB per call: run [`hash_password`],
//!   [`verify_password`] and [`dummy_verify`] inside `tokio::task::spawn_blocking`.
//! - At login, look the user up first; when there is no such user (or no password yet), call
//!   [`dummy_verify`] so the answer takes as long as for a real user. After a successful
//!   [`verify_password`], if [`needs_rehash`] says so, store a fresh hash.
//! - Issue a password token with [`issue_token`], store `hash` and `expires_at` (revoking older
//!   tokens in the same transaction), email `plaintext.expose()` in the link, and drop it. When a
//!   link is used, look up [`TokenHash::of`] the presented text and mark it used atomically.
//! - Build one [`SessionSigner`] at start-up from `JWT_SECRET` and `JWT_EXPIRATION_HOURS`. A
//!   verified session still needs the user's current state: refuse it when the user is disabled
//!   or when [`SessionClaims::issued_at`] is before the user's `sessions_valid_after`.
//! - TOTP: store the secret (encrypted) and the `last_used_step`; [`TotpSecret::verify`] returns
//!   the step to store, and refuses codes for that step or earlier ones.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use domain::TokenKind;
//! use identity::{TokenHash, is_valid_at, issue_token, testing::SeededRandom};
//!
//! let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single().ok_or("bad date")?;
//! let token = issue_token(TokenKind::Reset, now, &SeededRandom::new(7));
//! assert_eq!(TokenHash::of(token.plaintext.expose()), token.hash);
//! assert!(is_valid_at(token.expires_at, now + Duration::minutes(59)));
//! assert!(!is_valid_at(token.expires_at, now + Duration::minutes(60)));
//! # Ok::<(), &'static str>(())
//! ```

#![warn(missing_docs)]

mod hashing;
mod password;
mod random;
mod recovery;
mod session;
pub mod testing;
mod token;
mod totp;
mod totp_key;

pub use hashing::{
    ARGON2_ITERATIONS, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, DUMMY_HASH, HashError, HashMemory, OUTPUT_LEN, SALT_LEN,
    dummy_verify, dummy_verify_in, hash_password, hash_password_in, needs_rehash, verify_password, verify_password_in,
};
pub use password::{NewPassword, PasswordError, is_common};
pub use random::RandomSource;
pub use recovery::{
    RECOVERY_CODE_ALPHABET, RECOVERY_CODE_COUNT, RECOVERY_CODE_LEN, generate_recovery_codes, recovery_code_hash,
};
pub use session::{
    IssueError, IssuedSession, MAX_CLOCK_SKEW, MIN_SECRET_BYTES, SESSION_KIND, SessionClaims, SessionConfigError,
    SessionError, SessionSigner, SessionSubject, SessionToken,
};
pub use token::{IssuedToken, TOKEN_BYTES, TOKEN_TTL, TokenHash, TokenPlaintext, is_valid_at, issue_token};
pub use totp::{TOTP_DIGITS, TOTP_SECRET_BYTES, TOTP_STEP_SECONDS, TOTP_WINDOW, TotpSecret};
pub use totp_key::{SEALED_TOTP_SECRET_BYTES, TotpKey, TotpKeyError};
