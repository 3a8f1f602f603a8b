//! Payments: the gateway that opens a checkout, the events it reports back (already verified
//! and parsed by its adapter), and the store's side of applying them exactly once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{BillingPlan, ClientId, Email, NewAuditEntry, OutgoingEmail, SubscriptionStatus};

use crate::StoreError;

/// A checkout to open for a client's first payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub client_id: ClientId,
    pub email: Email,
    pub plan: BillingPlan,
    pub success_url: String,
    pub cancel_url: String,
    /// The same key for the same client, so a retried request opens no second checkout.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    /// Where the client pays.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The provider could not be reached or failed; trying again later may work.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request (a configuration problem, such as an unknown price).
    #[error("the payment provider refused the request: {0}")]
    Refused(String),
}

#[async_trait]
pub trait PaymentGateway: Send + Sync + std::fmt::Debug {
    /// Opens a subscription checkout for the plan's price.
    ///
    /// # Errors
    /// [`PaymentError`] saying whether a retry may help.
    async fn create_checkout_session(&self, request: &CheckoutRequest) -> Result<CheckoutSession, PaymentError>;
}

/// A payment provider's event, verified and parsed: its id (recorded once), when the provider
/// created it (events are applied newest-wins), and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    pub id: String,
    /// The provider's name for the event, e.g. `checkout.session.completed`.
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub change: BillingChange,
}

/// What an event changes for a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillingChange {
    /// A checkout finished; `paid` when the first payment went through.
    CheckoutCompleted {
        client_id: ClientId,
        customer_id: Option<String>,
        subscription_id: Option<String>,
        paid: bool,
    },
    /// The subscription's state, from a created, updated or deleted event, or a failed invoice.
    /// The client is named by the subscription's metadata when present, else found by the
    /// subscription id.
    Subscription {
        client_id: Option<ClientId>,
        subscription_id: String,
        customer_id: Option<String>,
        status: SubscriptionStatus,
    },
    /// An event we do not act on: recorded and acknowledged.
    Ignored,
}

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// Recorded and applied.
    Applied,
    /// Recorded; it changed nothing (older than what was applied, no such client, or ignored).
    Unchanged,
    /// Seen before: nothing was written.
    Duplicate,
}

#[async_trait]
pub trait PaymentEventRepository: Send + Sync {
    /// Records the event id and applies the change, with its audit entry and emails, in one
    /// transaction. A subscription change applies only when the event is newer than the last
    /// one applied to that client's subscription. Of concurrent deliveries of one event, exactly
    /// one is `Applied`/`Unchanged`; the rest are `Duplicate`. Audit entry and emails are written
    /// only when the outcome is `Applied`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing is recorded then, so a redelivery retries.
    async fn apply_payment_event(
        &self,
        event: &PaymentEvent,
        audit: &NewAuditEntry,
        emails: &[OutgoingEmail],
    ) -> Result<EventOutcome, StoreError>;
}

/// Why a webhook delivery was refused before anything was done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The signature is missing, wrong or too old (never the secret or a signature itself).
    #[error("the signature is not valid: {0}")]
    Signature(String),
    /// Signed, but not an event we can read.
    #[error("{0}")]
    Malformed(String),
}

/// Checks a payment provider's webhook delivery over its raw body and reads the event.
pub trait PaymentWebhook: Send + Sync + std::fmt::Debug {
    /// # Errors
    /// [`WebhookError`]: the signature first, then the body.
    fn verify(
        &self,
        body: &[u8],
        signature: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<PaymentEvent, WebhookError>;
}
