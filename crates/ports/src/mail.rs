//! Email: the `Mailer` that hands one email to a provider, and the message log that queues every
//! email with the change that causes it and records what became of it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ClientId, Email, MessageId, MessageStatus, NewAuditEntry, OutgoingEmail, TemplateAlias};

use crate::StoreError;

/// What a provider said when it took an email.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    /// The provider's id for the email (Postmark's `MessageID`), matched by its delivery events.
    pub provider_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: rate limited, a server error, a timeout, the network.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Sending again cannot help: the provider refused this email (inactive recipient, bad address).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// A short name for logs and the health endpoint: `postmark`, `smtp`, `outbox`.
    fn name(&self) -> &'static str;

    /// Hands the email to the provider. Sending the same email (same id) twice SHOULD be harmless
    /// where the provider allows it (the outbox overwrites its file).
    ///
    /// # Errors
    /// [`SendError::Transient`] when a later attempt may succeed, [`SendError::Permanent`] when
    /// none can.
    async fn send(&self, email: &OutgoingEmail) -> Result<Delivery, SendError>;
}

/// A queued email handed to a worker, with the number of this attempt (1 for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedEmail {
    pub email: OutgoingEmail,
    pub attempt: u32,
}

/// A delivery event reported by the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryEvent {
    Delivered { at: DateTime<Utc> },
    Bounced { at: DateTime<Utc>, reason: String },
}

/// One row of the message log, as listed to operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: MessageId,
    pub client_id: Option<ClientId>,
    pub template: TemplateAlias,
    pub recipient: Email,
    pub status: MessageStatus,
    pub attempts: u32,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which messages to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub client_id: Option<ClientId>,
    pub template: Option<TemplateAlias>,
    pub status: Option<MessageStatus>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePage {
    pub items: Vec<MessageRecord>,
    /// How many messages match the filter in all.
    pub total: u64,
}

#[async_trait]
pub trait MessageRepository: Send + Sync {
    /// Queues an email on its own, with the audit entry of the action that sends it, atomically.
    /// (Changes that cause emails queue them in their own transaction through their own method.)
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing is queued then.
    async fn queue_email(&self, email: &OutgoingEmail, audit: &NewAuditEntry) -> Result<(), StoreError>;

    /// Claims up to `limit` QUEUED emails due at `now`, oldest first, for one attempt: each
    /// claimed email's attempt count goes up and it is not due again until `lease_until`, so a
    /// worker that dies mid-send leaves it to be claimed again then. Concurrent claimers MUST
    /// never receive the same email while its lease runs.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing is claimed then.
    async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedEmail>, StoreError>;

    /// Marks a QUEUED email SENT, keeping the provider's id. Returns false (changing nothing) when it is no longer QUEUED.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn record_sent(&self, id: MessageId, delivery: &Delivery, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Keeps a QUEUED email queued after a failed attempt, due again at `retry_at`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn record_retry(
        &self,
        id: MessageId,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Marks a QUEUED email FAILED for good, with the reason.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn record_failed(&self, id: MessageId, error: &str, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Applies a provider's event to the email it sent under `provider_id`: SENT or DELIVERED
    /// becomes BOUNCED on a bounce; SENT becomes DELIVERED on a delivery. Returns false when no
    /// email matches or the event changes nothing (a repeat), so applying it twice is harmless.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn apply_delivery_event(
        &self,
        provider_id: &str,
        event: &DeliveryEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown id is `Ok(None)`.
    async fn get_message(&self, id: MessageId) -> Result<Option<MessageRecord>, StoreError>;

    /// The messages matching the filter, newest first, and how many match in all.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_messages(&self, filter: &MessageFilter) -> Result<MessagePage, StoreError>;
}
