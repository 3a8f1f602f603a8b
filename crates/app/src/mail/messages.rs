//! The operators' side of email: writing to a client by hand, reading the message log, and taking
//! in the provider's delivery reports.

use domain::{
    AuditAction, BoundedText, ClientId, EmailContent, MessageId, MultilineText, NewAuditEntry, OutgoingEmail,
};
use ports::{Clock, DeliveryEvent, MessageFilter, MessagePage, Store, StoreError};
use serde_json::json;
use uuid::Uuid;

use super::Links;
use crate::RequestContext;

/// The ports the operators' email use cases take.
#[derive(Debug, Clone, Copy)]
pub struct MailServices<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub links: &'a Links,
}

/// An operator's email to a client, parsed at the edge.
#[derive(Debug, Clone)]
pub struct ManualEmail {
    pub subject: BoundedText,
    pub message: MultilineText,
}

#[derive(Debug, thiserror::Error)]
pub enum ManualEmailError {
    #[error("no such client")]
    UnknownClient,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Queues an `admin-manual` email to the client's address, audited as ADMIN_EMAIL_SENT with the
/// operator as actor, in one transaction. Returns the message id.
///
/// # Errors
/// [`ManualEmailError::UnknownClient`], or a store failure (nothing is queued then).
#[tracing::instrument(skip_all, fields(client_id = %client_id))]
pub async fn send_manual_email(
    s: MailServices<'_>,
    client_id: ClientId,
    email: ManualEmail,
    ctx: &RequestContext,
) -> Result<MessageId, ManualEmailError> {
    let (store, clock, links) = (s.store, s.clock, s.links);
    let client = store
        .get_client(client_id)
        .await?
        .ok_or(ManualEmailError::UnknownClient)?;
    let now = clock.now();
    let outgoing = OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: Some(client_id),
        to: client.details.email.clone(),
        content: EmailContent::AdminManual {
            recipient_name: client.details.full_name.as_str().to_owned(),
            subject: email.subject.as_str().to_owned(),
            message: email.message.as_str().to_owned(),
            portal_url: links.portal(),
        },
        created_at: now,
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::AdminEmailSent, ctx.actor.clone());
    entry.client_id = Some(client_id);
    entry.resource_type = Some("message".into());
    entry.resource_id = Some(outgoing.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(json!({ "template": outgoing.content.alias(), "subject": email.subject.as_str() }));
    store.queue_email(&outgoing, &entry).await?;
    Ok(outgoing.id)
}

/// The message log, newest first.
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn list_messages(s: MailServices<'_>, filter: &MessageFilter) -> Result<MessagePage, StoreError> {
    s.store.list_messages(filter).await
}

/// Applies a delivery or bounce report to the email the provider knows as `provider_id`.
/// Returns false for an email we do not know or a report already applied: both are answered
/// as accepted, so the provider stops sending them.
///
/// # Errors
/// [`StoreError`] when the store fails; the provider should then send the report again.
pub async fn apply_provider_event(
    s: MailServices<'_>,
    provider_id: &str,
    event: &DeliveryEvent,
) -> Result<bool, StoreError> {
    s.store.apply_delivery_event(provider_id, event, s.clock.now()).await
}
