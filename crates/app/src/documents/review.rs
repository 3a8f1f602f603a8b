//! An operator's review: VERIFIED with the facts confirmed, or REJECTED with a reason; once, and
//! with the property re-evaluated and the change recorded in the same transaction.

use chrono::NaiveDate;
use domain::{AuditAction, Document, DocumentId, NewAuditEntry, Review, UserId};
use ports::{ReviewError, Store, StoreError};
use serde_json::json;
use uuid::Uuid;

use super::evaluation::{evaluate_property, status_changes};
use crate::RequestContext;

#[derive(Debug, thiserror::Error)]
pub enum ReviewDocumentError {
    #[error("no such document")]
    NotFound,
    #[error("the document has been reviewed already")]
    AlreadyReviewed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies the review to a PENDING document.
///
/// # Errors
/// [`ReviewDocumentError`] saying why nothing changed.
pub async fn review_document(
    store: &dyn Store,
    now: chrono::DateTime<chrono::Utc>,
    today: NaiveDate,
    id: DocumentId,
    review: Review,
    reviewer: UserId,
    ctx: &RequestContext,
) -> Result<Document, ReviewDocumentError> {
    let document = store.get_document(id).await?.ok_or(ReviewDocumentError::NotFound)?;
    let properties = store.list_properties(document.client_id).await?;
    let property = properties
        .iter()
        .find(|p| p.id == document.property_id)
        .ok_or(ReviewDocumentError::NotFound)?;
    let existing = store.list_documents(document.client_id).await?;
    let before = evaluate_property(property, &existing, today);
    let reviewed: Vec<Document> = existing
        .into_iter()
        .map(|d| if d.id == id { applied(d, &review) } else { d })
        .collect();
    let after = evaluate_property(property, &reviewed, today);

    let (action, decision) = match &review {
        Review::Verify(facts) => (
            AuditAction::DocumentVerified,
            json!({ "status": "VERIFIED", "confirmed": facts }),
        ),
        Review::Reject { reason } => (
            AuditAction::DocumentRejected,
            json!({ "status": "REJECTED", "reason": reason }),
        ),
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, action, ctx.actor.clone());
    entry.client_id = Some(document.client_id);
    entry.resource_type = Some("document".into());
    entry.resource_id = Some(id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.before = Some(json!({ "status": document.status, "stated": document.stated }));
    entry.after = Some(decision);
    let mut entries = vec![entry];
    entries.extend(status_changes(property, &before, &after, now, ctx));
    store
        .review_document(id, &review, reviewer, now, &entries)
        .await
        .map_err(|e| match e {
            ReviewError::NotFound => ReviewDocumentError::NotFound,
            ReviewError::NotPending => ReviewDocumentError::AlreadyReviewed,
            ReviewError::Store(e) => ReviewDocumentError::Store(e),
        })
}

/// The document as the review will leave it, for the evaluation after.
fn applied(mut document: Document, review: &Review) -> Document {
    match review {
        Review::Verify(facts) => {
            document.status = domain::DocumentStatus::Verified;
            document.confirmed = Some(*facts);
        }
        Review::Reject { reason } => {
            document.status = domain::DocumentStatus::Rejected;
            document.rejection_reason = Some(reason.clone());
        }
    }
    document
}
