//! Session tokens: JWTs signed with HS256 and nothing else, checked against the caller's clock.
//! This module must never accept another algorithm, never read the system clock, and never print
//! a token or the signing secret.

mod claims;
#[cfg(test)]
mod tests;

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

pub use claims::{SESSION_KIND, SessionClaims, SessionSubject};

use crate::random::{self, RandomSource};

/// The shortest signing secret accepted: 32 bytes, the HS256 output size (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// How far in the future `iat` may lie, for servers whose clocks disagree slightly.
pub const MAX_CLOCK_SKEW: Duration = Duration::seconds(60);

/// Longer strings are refused unread: ours are a few hundred bytes.
const MAX_TOKEN_BYTES: usize = 4096;

/// Why the signer could not be built from its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionConfigError {
    /// The secret is shorter than [`MIN_SECRET_BYTES`].
    #[error("the session signing secret must be at least {MIN_SECRET_BYTES} bytes")]
    SecretTooShort,
    /// The issuer is empty.
    #[error("the session issuer must not be empty")]
    EmptyIssuer,
    /// The audience is empty.
    #[error("the session audience must not be empty")]
    EmptyAudience,
    /// The lifetime is zero or negative.
    #[error("the session lifetime must be positive")]
    NonPositiveTtl,
}

/// Why a session could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// A CLIENT subject without a client, or an ADMIN subject with one.
    #[error("a CLIENT session needs a client id and an ADMIN session must not have one")]
    InconsistentSubject,
    /// The expiry would fall outside the dates a token can carry.
    #[error("the session expiry is out of range")]
    OutOfRange,
    /// The JWT library failed to sign.
    #[error("signing the session token failed: {0}")]
    Signing(String),
}

/// Why a presented session token was refused. Every variant means "401"; the variant is for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Not a JWT, not JSON, a claim missing or of the wrong type, or contradictory claims.
    #[error("the session token is malformed")]
    Malformed,
    /// The header names an algorithm other than HS256 (including `none`).
    #[error("the session token's algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// The signature does not match: tampered with, or signed with another key.
    #[error("the session token's signature is invalid")]
    BadSignature,
    /// `now` is at or after `exp`.
    #[error("the session has expired")]
    Expired,
    /// `iat` lies further in the future than [`MAX_CLOCK_SKEW`].
    #[error("the session token was issued in the future")]
    NotYetValid,
    /// `iss` is not this service.
    #[error("the session token was issued by someone else")]
    WrongIssuer,
    /// `aud` is not this service.
    #[error("the session token is meant for another audience")]
    WrongAudience,
    /// `kind` is not [`SESSION_KIND`]: a token made for another purpose.
    #[error("the token is not a session token")]
    WrongKind,
}

/// A signed session token. Send it as a bearer token or an HttpOnly cookie; never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// The compact JWT text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken([REDACTED])")
    }
}

/// A session just issued: the token for the client, the claims for the audit log and the cookie's
/// lifetime.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    /// The signed token.
    pub token: SessionToken,
    /// What it says, exactly as [`SessionSigner::verify`] will read it back.
    pub claims: SessionClaims,
}

/// Issues and verifies session tokens with one HS256 key, issuer, audience and lifetime.
#[derive(Clone)]
pub struct SessionSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl fmt::Debug for SessionSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionSigner")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl SessionSigner {
    /// A signer for `JWT_SECRET` (at least 32 bytes), this service's issuer and audience, and the
    /// session lifetime (`JWT_EXPIRATION_HOURS`).
    ///
    /// # Errors
    /// [`SessionConfigError`] naming the setting that is unusable.
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl: Duration) -> Result<Self, SessionConfigError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(SessionConfigError::SecretTooShort);
        }
        if issuer.is_empty() {
            return Err(SessionConfigError::EmptyIssuer);
        }
        if audience.is_empty() {
            return Err(SessionConfigError::EmptyAudience);
        }
        if ttl <= Duration::zero() {
            return Err(SessionConfigError::NonPositiveTtl);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // Time is checked below against the caller's `now`; the library would read the system
        // clock, which would make expiry untestable and the clock an input we do not control.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl,
        })
    }

    /// How long a session lasts.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues a session for `subject` at `now`, valid until `now + ttl`, with a fresh random
    /// session id from `rng`. Times are whole seconds.
    ///
    /// # Errors
    /// [`IssueError`] when the subject's role and client disagree, or signing fails.
    pub fn issue(
        &self,
        subject: &SessionSubject,
        now: DateTime<Utc>,
        rng: &dyn RandomSource,
    ) -> Result<IssuedSession, IssueError> {
        if !subject.is_consistent() {
            return Err(IssueError::InconsistentSubject);
        }
        let issued_at = now.trunc_subsecs(6);
        let expires_at = now
            .trunc_subsecs(0)
            .checked_add_signed(self.ttl)
            .ok_or(IssueError::OutOfRange)?;
        // Version and variant bits are set, so the id is a well-formed v4 UUID.
        let session_id = uuid::Builder::from_random_bytes(random::bytes(rng)).into_uuid();
        let claims = SessionClaims::new(subject, session_id, issued_at, expires_at, &self.issuer, &self.audience);
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| IssueError::Signing(e.to_string()))?;
        Ok(IssuedSession {
            token: SessionToken(token),
            claims,
        })
    }

    /// Verifies a presented token at `now`: the algorithm is exactly HS256, the signature matches,
    /// `iss`, `aud` and `kind` are ours, `now` is before `exp`, and `iat` is not later than
    /// `now + MAX_CLOCK_SKEW`.
    ///
    /// A valid token says who signed in and when. Whether that user may still act (not disabled,
    /// session not ended by a password change) is for the caller to check against the store.
    ///
    /// # Errors
    /// [`SessionError`] naming the first check that failed.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<SessionClaims, SessionError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(SessionError::Malformed);
        }
        check_algorithm(token)?;
        let claims = jsonwebtoken::decode::<SessionClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| refusal(e.kind()))?
            .claims;
        if claims.kind() != SESSION_KIND {
            return Err(SessionError::WrongKind);
        }
        if !claims.subject().is_consistent() {
            return Err(SessionError::Malformed);
        }
        if now >= claims.expires_at() {
            return Err(SessionError::Expired);
        }
        // Saturating rather than panicking: a clock at the end of time accepts no later `iat`.
        let latest_issue = now.checked_add_signed(MAX_CLOCK_SKEW).unwrap_or(now);
        if claims.issued_at() > latest_issue {
            return Err(SessionError::NotYetValid);
        }
        Ok(claims)
    }
}

/// Reads the header ourselves so that `alg: none`, HS384 and RS256 are refused by name before any
/// key is involved (the library would also refuse them, but as a generic parse or algorithm error).
fn check_algorithm(token: &str) -> Result<(), SessionError> {
    #[derive(serde::Deserialize)]
    struct JoseHeader {
        alg: String,
    }
    let mut parts = token.split('.');
    let (Some(header), Some(_payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SessionError::Malformed);
    };
    let header = URL_SAFE_NO_PAD.decode(header).map_err(|_| SessionError::Malformed)?;
    let header: JoseHeader = serde_json::from_slice(&header).map_err(|_| SessionError::Malformed)?;
    if header.alg == "HS256" {
        Ok(())
    } else {
        Err(SessionError::AlgorithmNotAllowed)
    }
}

fn refusal(kind: &ErrorKind) -> SessionError {
    match kind {
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => SessionError::AlgorithmNotAllowed,
        ErrorKind::InvalidSignature => SessionError::BadSignature,
        ErrorKind::InvalidIssuer => SessionError::WrongIssuer,
        ErrorKind::InvalidAudience => SessionError::WrongAudience,
        ErrorKind::ExpiredSignature => SessionError::Expired,
        ErrorKind::ImmatureSignature => SessionError::NotYetValid,
        _ => SessionError::Malformed,
    }
}
