//! What a session token says about its holder. Claims are built here only by the signer (when
//! issuing) or by a successful verification; nothing else may make one.

use chrono::{DateTime, SubsecRound, Utc};
use domain::{ClientId, Role, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The value of the `kind` claim on session tokens. Checking it stops a token signed with the same
/// key for another purpose from being accepted as a session.
pub const SESSION_KIND: &str = "session";

/// Who a session is for: the inputs to [`super::SessionSigner::issue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSubject {
    /// The signed-in user.
    pub user_id: UserId,
    /// What the user may do. A CLIENT session must carry its client; an ADMIN session must not.
    pub role: Role,
    /// The client a CLIENT user acts for; `None` for admins.
    pub client_id: Option<ClientId>,
    /// Whether the user passed a second factor (TOTP or a recovery code) at sign-in.
    pub mfa: bool,
}

impl SessionSubject {
    /// True when the role and the client agree: CLIENT with a client, ADMIN without.
    pub(crate) fn is_consistent(&self) -> bool {
        match self.role {
            Role::Client => self.client_id.is_some(),
            Role::Admin => self.client_id.is_none(),
        }
    }
}

/// The verified contents of a session token (a JWT signed with HS256).
///
/// On the wire: `sub` (user id), `role` (`CLIENT` | `ADMIN`), `client_id` (absent for admins),
/// `kind` (`"session"`), `sid` (a random session id), `mfa`, `iat`, `exp` (seconds since the
/// epoch), `iat_us` (the issue time in microseconds, so a session begun in the same second as a
/// password change is still told apart from it), `iss` and `aud`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    sub: UserId,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<ClientId>,
    kind: String,
    sid: Uuid,
    mfa: bool,
    #[serde(with = "chrono::serde::ts_seconds")]
    iat: DateTime<Utc>,
    /// Tokens issued before this claim existed fall back to `iat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat_us: Option<i64>,
    #[serde(with = "chrono::serde::ts_seconds")]
    exp: DateTime<Utc>,
    iss: String,
    aud: String,
}

impl SessionClaims {
    pub(crate) fn new(
        subject: &SessionSubject,
        session_id: Uuid,
        issued_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        issuer: &str,
        audience: &str,
    ) -> Self {
        Self {
            sub: subject.user_id,
            role: subject.role,
            client_id: subject.client_id,
            kind: SESSION_KIND.to_owned(),
            sid: session_id,
            mfa: subject.mfa,
            iat: issued_at.trunc_subsecs(0),
            iat_us: Some(issued_at.timestamp_micros()),
            exp: expires_at,
            iss: issuer.to_owned(),
            aud: audience.to_owned(),
        }
    }

    /// The signed-in user.
    pub fn user_id(&self) -> UserId {
        self.sub
    }

    /// The user's role when the session began. Guards should still read the user's current state:
    /// a disabled user is refused on the next request, whatever the token says.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The client a CLIENT session acts for; `None` for admins.
    pub fn client_id(&self) -> Option<ClientId> {
        self.client_id
    }

    /// A random id for this session (`sid`), for logs and for revoking one session.
    pub fn session_id(&self) -> Uuid {
        self.sid
    }

    /// Whether a second factor was passed at sign-in.
    pub fn mfa(&self) -> bool {
        self.mfa
    }

    /// When the session began, to the microsecond (`iat_us`, or `iat` for older tokens).
    /// Compare it with the user's `sessions_valid_after` to end sessions on password change or
    /// disable.
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.iat_us
            .and_then(DateTime::from_timestamp_micros)
            .filter(|precise| precise.trunc_subsecs(0) == self.iat)
            .unwrap_or(self.iat)
    }

    /// The first instant at which the token is refused (`exp`, whole seconds).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.exp
    }

    /// The token's issuer (`iss`).
    pub fn issuer(&self) -> &str {
        &self.iss
    }

    /// The token's audience (`aud`).
    pub fn audience(&self) -> &str {
        &self.aud
    }

    pub(crate) fn kind(&self) -> &str {
        &self.kind
    }

    pub(crate) fn subject(&self) -> SessionSubject {
        SessionSubject {
            user_id: self.sub,
            role: self.role,
            client_id: self.client_id,
            mfa: self.mfa,
        }
    }
}
