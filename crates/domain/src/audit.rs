//! The audit trail's vocabulary and its hash chain. Entries are written in the transaction of the
//! change they record and linked into the chain afterwards by a single sealer; the hashing rule
//! lives here so the sealer and `audit verify` can never disagree about it.

use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::macros::string_enum;
use crate::{ClientId, RequestId};

string_enum! {
    /// Everything that can happen to the system and must be answerable for later.
    pub enum AuditAction {
        IntakeSubmitted => "INTAKE_SUBMITTED",
        PaymentReceived => "PAYMENT_RECEIVED",
        SubscriptionUpdated => "SUBSCRIPTION_UPDATED",
        ProvisioningStarted => "PROVISIONING_STARTED",
        ProvisioningComplete => "PROVISIONING_COMPLETE",
        ProvisioningFailed => "PROVISIONING_FAILED",
        PasswordTokenIssued => "PASSWORD_TOKEN_ISSUED",
        PasswordSet => "PASSWORD_SET",
        LoginSucceeded => "LOGIN_SUCCEEDED",
        LoginFailed => "LOGIN_FAILED",
        RouteGuardRedirect => "ROUTE_GUARD_REDIRECT",
        DocumentUploaded => "DOCUMENT_UPLOADED",
        DocumentVerified => "DOCUMENT_VERIFIED",
        DocumentRejected => "DOCUMENT_REJECTED",
        ComplianceStatusChanged => "COMPLIANCE_STATUS_CHANGED",
        ReminderSent => "REMINDER_SENT",
        DigestSent => "DIGEST_SENT",
        JobRunCompleted => "JOB_RUN_COMPLETED",
        CompliancePackGenerated => "COMPLIANCE_PACK_GENERATED",
        AdminEmailSent => "ADMIN_EMAIL_SENT",
        UserCreated => "USER_CREATED",
        UserDisabled => "USER_DISABLED",
        UserEnabled => "USER_ENABLED",
        LoggedOut => "LOGGED_OUT",
        SecondFactorEnrolled => "SECOND_FACTOR_ENROLLED",
        SecondFactorEncrypted => "SECOND_FACTOR_ENCRYPTED",
    }
}

string_enum! {
    /// Who acted.
    pub enum ActorRole {
        Anonymous => "ANONYMOUS",
        Client => "CLIENT",
        Admin => "ADMIN",
        System => "SYSTEM",
    }
}

/// The actor of an audited change: a role and, where known, the acting user's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: ActorRole,
    pub id: Option<String>,
}

impl Actor {
    pub const fn anonymous() -> Self {
        Self {
            role: ActorRole::Anonymous,
            id: None,
        }
    }

    pub const fn system() -> Self {
        Self {
            role: ActorRole::System,
            id: None,
        }
    }
}

/// An audit entry as written by a change, before the sealer links it into the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub action: AuditAction,
    pub actor: Actor,
    pub client_id: Option<ClientId>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub metadata: Option<serde_json::Value>,
    pub request_id: Option<RequestId>,
}

impl NewAuditEntry {
    /// A new entry; the time is truncated to microseconds, the precision both stores keep, so
    /// the hash computed when sealing is the hash computed when verifying.
    pub fn new(id: Uuid, occurred_at: DateTime<Utc>, action: AuditAction, actor: Actor) -> Self {
        Self {
            id,
            occurred_at: occurred_at.trunc_subsecs(6),
            action,
            actor,
            client_id: None,
            resource_type: None,
            resource_id: None,
            before: None,
            after: None,
            metadata: None,
            request_id: None,
        }
    }

    /// The hash of this entry at position `seq`, following `prev` (`None` for the first entry).
    pub fn chain_hash(&self, seq: i64, prev: Option<&ChainHash>) -> ChainHash {
        let mut hasher = Sha256::new();
        hasher.update(b"compliance-vault/audit/v1");
        // Length-prefixing makes the encoding unambiguous: no two entries hash the same bytes.
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        };
        let json = |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string).unwrap_or_default();
        field(seq.to_string().as_bytes());
        field(self.id.to_string().as_bytes());
        field(self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string().as_bytes());
        field(self.action.as_str().as_bytes());
        field(self.actor.role.as_str().as_bytes());
        field(self.actor.id.as_deref().unwrap_or_default().as_bytes());
        field(self.client_id.map(|c| c.to_string()).unwrap_or_default().as_bytes());
        field(self.resource_type.as_deref().unwrap_or_default().as_bytes());
        field(self.resource_id.as_deref().unwrap_or_default().as_bytes());
        field(json(&self.before).as_bytes());
        field(json(&self.after).as_bytes());
        field(json(&self.metadata).as_bytes());
        field(
            self.request_id
                .as_ref()
                .map(RequestId::as_str)
                .unwrap_or_default()
                .as_bytes(),
        );
        field(&prev.map_or([0; 32], |p| p.0));
        ChainHash(hasher.finalize().into())
    }
}

/// A stored audit entry; `seal` is `None` until the sealer has linked it into the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    #[serde(flatten)]
    pub entry: NewAuditEntry,
    pub seal: Option<Seal>,
}

/// An entry's place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub seq: i64,
    pub prev_hash: Option<ChainHash>,
    pub hash: ChainHash,
}

/// A SHA-256 link of the audit chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// # Errors
    /// When `bytes` is not exactly 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ChainHashError> {
        <[u8; 32]>::try_from(bytes).map(Self).map_err(|_| ChainHashError)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a chain hash is 32 bytes, written as 64 hex digits")]
pub struct ChainHashError;

impl TryFrom<String> for ChainHash {
    type Error = ChainHashError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let bytes = hex::decode(value).map_err(|_| ChainHashError)?;
        Self::from_slice(&bytes)
    }
}

impl From<ChainHash> for String {
    fn from(value: ChainHash) -> Self {
        value.to_hex()
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry() -> NewAuditEntry {
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        NewAuditEntry::new(Uuid::nil(), at, AuditAction::IntakeSubmitted, Actor::anonymous())
    }

    #[test]
    fn every_field_and_the_previous_link_change_the_hash() {
        let base = entry();
        let h = base.chain_hash(1, None);
        assert_eq!(h, base.chain_hash(1, None), "hashing is deterministic");
        assert_ne!(h, base.chain_hash(2, None));
        assert_ne!(h, base.chain_hash(1, Some(&ChainHash([1; 32]))));
        let mut changed = base.clone();
        changed.after = Some(serde_json::json!({"plan": "PLAN_1"}));
        assert_ne!(h, changed.chain_hash(1, None));
        let mut changed = base.clone();
        changed.actor.id = Some("x".into());
        assert_ne!(h, changed.chain_hash(1, None));
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let mut a = entry();
        a.resource_type = Some("ab".into());
        a.resource_id = Some("c".into());
        let mut b = entry();
        b.resource_type = Some("a".into());
        b.resource_id = Some("bc".into());
        assert_ne!(a.chain_hash(1, None), b.chain_hash(1, None));
    }

    #[test]
    fn chain_hash_round_trips_through_hex() {
        let h = entry().chain_hash(1, None);
        assert_eq!(ChainHash::try_from(h.to_hex()).unwrap(), h);
        assert!(ChainHash::try_from("zz".to_string()).is_err());
    }
}
