//! An operator's review: VERIFIED with the facts confirmed, or REJECTED with a reason; once, and
//! with the property re-evaluated and the change recorded in the same transaction.

use chrono::NaiveDate;
use domain::{
    AuditAction, ConfirmedFacts, Document, DocumentId, EpcRating, FactsError, NewAuditEntry, RequirementType, Review,
    UserId,
};
use ports::{ReviewError, StoreError};
use serde_json::json;
use uuid::Uuid;

use super::DocumentServices;
use super::evaluation::{evaluate_property, reevaluate};
use super::upload::MAX_ATTEMPTS;
use crate::RequestContext;

#[derive(Debug, thiserror::Error)]
pub enum ReviewDocumentError {
    #[error("no such document")]
    NotFound,
    #[error("the document has been reviewed already")]
    AlreadyReviewed,
    /// Facts that cannot be true together (an issue date after today, an EPC without a rating).
    #[error(transparent)]
    ImpossibleFacts(#[from] FactsError),
    /// The property's evidence kept changing; nothing was recorded.
    #[error("the property's documents are changing too fast; try again")]
    Contended,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an operator decided, as read from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Verify {
        requirement: RequirementType,
        issue_date: NaiveDate,
        expiry_date: Option<NaiveDate>,
        epc_rating: Option<EpcRating>,
        exemption_expiry_date: Option<NaiveDate>,
    },
    Reject {
        reason: String,
    },
}

/// Applies the review to a PENDING document, as of now by the services' clock; facts to verify
/// are first checked against each other and today ([`ConfirmedFacts::confirm`]).
///
/// # Errors
/// [`ReviewDocumentError`] saying why nothing changed.
#[tracing::instrument(skip_all, fields(document_id = %id, reviewer = %reviewer))]
pub async fn review_document(
    s: DocumentServices<'_>,
    id: DocumentId,
    decision: Decision,
    reviewer: UserId,
    ctx: &RequestContext,
) -> Result<Document, ReviewDocumentError> {
    let (store, now, today) = (s.store, s.clock.now(), s.clock.today());
    let review = match decision {
        Decision::Verify {
            requirement,
            issue_date,
            expiry_date,
            epc_rating,
            exemption_expiry_date,
        } => Review::Verify(ConfirmedFacts::confirm(
            requirement,
            issue_date,
            expiry_date,
            epc_rating,
            exemption_expiry_date,
            today,
        )?),
        Decision::Reject { reason } => Review::Reject { reason },
    };
    let document = store.get_document(id).await?.ok_or(ReviewDocumentError::NotFound)?;
    let properties = store.list_properties(document.client_id).await?;
    let property = properties
        .iter()
        .find(|p| p.id == document.property_id)
        .ok_or(ReviewDocumentError::NotFound)?;
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
    // Computed from a snapshot of the property's evidence, written only if it is still current.
    for _ in 0..MAX_ATTEMPTS {
        let evidence = store.property_evidence(document.property_id).await?;
        let before = evaluate_property(property, &evidence.documents, today);
        let reviewed: Vec<Document> = evidence
            .documents
            .iter()
            .cloned()
            .map(|d| if d.id == id { applied(d, &review) } else { d })
            .collect();
        let after = evaluate_property(property, &reviewed, today);
        let changes = reevaluate(property, &evidence.snapshots, Some(&before), &after, (today, now), ctx);
        let write = changes.written_with(evidence.version, entry.clone());
        match store.review_document(id, &review, reviewer, now, &write).await {
            Ok(document) => return Ok(document),
            Err(ReviewError::Conflict) => {}
            Err(ReviewError::NotFound) => return Err(ReviewDocumentError::NotFound),
            Err(ReviewError::NotPending) => return Err(ReviewDocumentError::AlreadyReviewed),
            Err(ReviewError::Store(e)) => return Err(ReviewDocumentError::Store(e)),
        }
    }
    Err(ReviewDocumentError::Contended)
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
