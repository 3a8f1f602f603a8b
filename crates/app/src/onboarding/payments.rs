//! Payment events: each applied once, newest-wins for the subscription; a completed, paid
//! checkout sends the receipt and provisions the client.

use domain::{AuditAction, Client, EmailContent, MessageId, NewAuditEntry, OnboardingStatus, OutgoingEmail};
use ports::{BillingChange, EventOutcome, PaymentEvent, ProvisionOutcome, StoreError};
use serde_json::json;
use uuid::Uuid;

use super::OnboardingServices;
use super::provision::{ProvisionError, provision_client};
use crate::RequestContext;

/// What handling an event did.
#[derive(Debug)]
pub enum PaymentEventReport {
    /// Seen before: acknowledged and not applied again. For a paid checkout whose client is still
    /// PROVISIONING (the first delivery died before provisioning finished), provisioning is run
    /// again, which is safe since it only creates what is missing.
    Duplicate {
        provisioning: Option<Result<ProvisionOutcome, ProvisionError>>,
    },
    /// Recorded; it changed nothing.
    Unchanged,
    /// Applied; for a paid checkout, with how provisioning went.
    Applied {
        provisioning: Option<Result<ProvisionOutcome, ProvisionError>>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookReceiveError {
    /// No webhook secret is configured: nothing can be checked, so nothing is taken.
    #[error("the payment webhook is not configured")]
    NotConfigured,
    #[error(transparent)]
    Refused(#[from] ports::WebhookError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a webhook delivery (its signature over the raw `body`) and handles its event.
///
/// # Errors
/// [`WebhookReceiveError`]: not configured, refused, or the event could not be recorded (the
/// provider should deliver it again).
#[tracing::instrument(skip_all)]
pub async fn receive_payment_webhook(
    s: OnboardingServices<'_>,
    body: &[u8],
    signature: Option<&str>,
    ctx: &RequestContext,
) -> Result<PaymentEventReport, WebhookReceiveError> {
    let webhook = s.webhook.ok_or(WebhookReceiveError::NotConfigured)?;
    let event = webhook.verify(body, signature, s.clock.now())?;
    Ok(handle_payment_event(s, &event, ctx).await?)
}

/// Completes a test checkout in development, where no payment provider is configured: the
/// same event a paid `checkout.session.completed` gives, handled by the same path. Whether the
/// route exists at all is the caller's decision (never in production).
///
/// # Errors
/// [`StoreError`] when the event could not be recorded.
#[tracing::instrument(skip_all, fields(client_id = %client_id))]
pub async fn complete_test_checkout(
    s: OnboardingServices<'_>,
    client_id: domain::ClientId,
    ctx: &RequestContext,
) -> Result<PaymentEventReport, StoreError> {
    let event = PaymentEvent {
        id: format!("evt_test_{}", Uuid::now_v7().simple()),
        kind: "checkout.session.completed".to_owned(),
        created_at: s.clock.now(),
        change: BillingChange::CheckoutCompleted {
            client_id,
            customer_id: None,
            subscription_id: None,
            paid: true,
        },
    };
    handle_payment_event(s, &event, ctx).await
}

/// Records and applies a verified payment event.
///
/// # Errors
/// [`StoreError`] when the event could not be recorded: nothing is recorded then, and the
/// provider should deliver it again. A provisioning failure is reported in the result instead
/// (the payment is recorded; the client is FAILED for an operator to re-run).
#[tracing::instrument(skip_all, fields(event_id = %event.id))]
pub async fn handle_payment_event(
    s: OnboardingServices<'_>,
    event: &PaymentEvent,
    ctx: &RequestContext,
) -> Result<PaymentEventReport, StoreError> {
    let now = s.clock.now();
    let (action, client) = match &event.change {
        BillingChange::CheckoutCompleted { client_id, .. } => {
            (AuditAction::PaymentReceived, s.store.get_client(*client_id).await?)
        }
        BillingChange::Subscription {
            client_id: Some(id), ..
        } => (AuditAction::SubscriptionUpdated, s.store.get_client(*id).await?),
        BillingChange::Subscription { client_id: None, .. } | BillingChange::Ignored => {
            (AuditAction::SubscriptionUpdated, None)
        }
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, action, ctx.actor.clone());
    entry.client_id = client.as_ref().map(|c| c.id);
    entry.resource_type = Some("client".into());
    entry.resource_id = client.as_ref().map(|c| c.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(event_metadata(event));
    let receipt = match (&event.change, &client) {
        (BillingChange::CheckoutCompleted { paid: true, .. }, Some(client)) => {
            let properties = s.store.list_properties(client.id).await?.len();
            vec![receipt_email(s, client, properties, event)]
        }
        _ => Vec::new(),
    };

    match s.store.apply_payment_event(event, &entry, &receipt).await? {
        EventOutcome::Duplicate => {
            let stuck = client
                .as_ref()
                .is_some_and(|c| c.onboarding_status == OnboardingStatus::Provisioning);
            let provisioning = match &event.change {
                BillingChange::CheckoutCompleted {
                    client_id, paid: true, ..
                } if stuck => Some(provision_client(s, *client_id, ctx).await),
                _ => None,
            };
            Ok(PaymentEventReport::Duplicate { provisioning })
        }
        EventOutcome::Unchanged => Ok(PaymentEventReport::Unchanged),
        EventOutcome::Applied => {
            let provisioning = match &event.change {
                BillingChange::CheckoutCompleted {
                    client_id, paid: true, ..
                } => Some(provision_client(s, *client_id, ctx).await),
                _ => None,
            };
            Ok(PaymentEventReport::Applied { provisioning })
        }
    }
}

fn event_metadata(event: &PaymentEvent) -> serde_json::Value {
    let mut metadata = json!({ "event_id": event.id, "event_type": event.kind, "event_created_at": event.created_at });
    match &event.change {
        BillingChange::CheckoutCompleted {
            customer_id,
            subscription_id,
            paid,
            ..
        } => {
            metadata["customer_id"] = json!(customer_id);
            metadata["subscription_id"] = json!(subscription_id);
            metadata["paid"] = json!(paid);
        }
        BillingChange::Subscription {
            subscription_id,
            status,
            ..
        } => {
            metadata["subscription_id"] = json!(subscription_id);
            metadata["status"] = json!(status);
        }
        BillingChange::Ignored => {}
    }
    metadata
}

fn receipt_email(s: OnboardingServices<'_>, client: &Client, properties: usize, event: &PaymentEvent) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: Some(client.id),
        to: client.details.email.clone(),
        content: EmailContent::PaymentReceipt {
            recipient_name: client.details.full_name.as_str().to_owned(),
            plan: client.details.billing_plan,
            property_count: u32::try_from(properties).unwrap_or(u32::MAX),
            portal_url: s.links.portal(),
        },
        created_at: event.created_at.max(s.clock.now()),
    }
}
