//! Portal users and their password tokens, as stored. How passwords are hashed and tokens made
//! is the `identity` crate's business; here is only what the stores keep.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::macros::string_enum;
use crate::{ClientId, Email, UserId};

string_enum! {
    /// What a user may do: act for one client, or administer the service.
    pub enum Role {
        Client => "CLIENT",
        Admin => "ADMIN",
    }
}

impl From<Role> for crate::ActorRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Client => Self::Client,
            Role::Admin => Self::Admin,
        }
    }
}

string_enum! {
    /// INVITED until the first password is set; DISABLED users cannot sign in.
    pub enum UserStatus {
        Invited => "INVITED",
        Active => "ACTIVE",
        Disabled => "DISABLED",
    }
}

string_enum! {
    pub enum PasswordStatus {
        NotSet => "NOT_SET",
        Set => "SET",
    }
}

string_enum! {
    /// Why a password token was issued.
    pub enum TokenKind {
        Setup => "SETUP",
        Reset => "RESET",
    }
}

/// A password hash in PHC string form. Not a secret in itself, but it never belongs in a log,
/// so `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPasswordHash(String);

impl StoredPasswordHash {
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for StoredPasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoredPasswordHash([REDACTED])")
    }
}

/// Someone who can sign in: a client's user (with `client_id`) or an admin (without).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUser {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub client_id: Option<ClientId>,
    pub status: UserStatus,
    pub password_status: PasswordStatus,
    pub password_hash: Option<StoredPasswordHash>,
    /// Sessions issued before this instant are refused: moved on password change and disable.
    pub sessions_valid_after: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An admin's second factor: the TOTP secret (the store keeps it; `Debug` never shows it) and the
/// last time step a code was accepted for, so a code works once.
#[derive(Clone, PartialEq, Eq)]
pub struct SecondFactor {
    /// The TOTP secret as stored: encrypted (identity's `TotpKey` opens it), or 20 clear bytes
    /// left from before encryption at rest, until the server seals them at start.
    pub totp_secret: Vec<u8>,
    pub last_used_step: Option<i64>,
}

impl fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecondFactor")
            .field("last_used_step", &self.last_used_step)
            .finish_non_exhaustive()
    }
}

/// A stored password token: only the SHA-256 of the token is kept, never the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordToken {
    pub id: Uuid,
    pub user_id: UserId,
    pub kind: TokenKind,
    pub token_hash: [u8; 32],
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl PasswordToken {
    /// Usable: not used, not revoked, and `now` strictly before its expiry.
    pub fn is_usable_at(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && now < self.expires_at
    }
}

impl fmt::Debug for PasswordToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordToken")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("kind", &self.kind)
            .field("expires_at", &self.expires_at)
            .field("used_at", &self.used_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn a_token_is_usable_until_the_instant_it_expires() {
        let now = Utc::now();
        let token = PasswordToken {
            id: Uuid::nil(),
            user_id: UserId::from_uuid(Uuid::nil()),
            kind: TokenKind::Setup,
            token_hash: [7; 32],
            created_at: now,
            expires_at: now + Duration::minutes(60),
            used_at: None,
            revoked_at: None,
        };
        assert!(token.is_usable_at(now + Duration::seconds(3599)));
        assert!(!token.is_usable_at(now + Duration::minutes(60)));
        assert!(
            !PasswordToken {
                used_at: Some(now),
                ..token.clone()
            }
            .is_usable_at(now)
        );
        assert!(
            !PasswordToken {
                revoked_at: Some(now),
                ..token.clone()
            }
            .is_usable_at(now)
        );
        assert!(
            !format!("{token:?}").contains("token_hash"),
            "the hash stays out of logs"
        );
    }

    #[test]
    fn a_password_hash_is_never_printed() {
        let hash = StoredPasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
        assert_eq!(format!("{hash:?}"), "StoredPasswordHash([REDACTED])");
    }
}
