//! What the compliance engine makes of a property's documents, and what an evaluation changes:
//! the requirements' snapshots and the audit entries that record how they moved.

use chrono::NaiveDate;
use compliance::{EngineConfig, Evidence, EvidenceStatus, PropertyEvaluation, PropertyFacts, evaluate};
use domain::{AuditAction, Document, DocumentStatus, NewAuditEntry, Property, Rag, Snapshot, StoredSnapshot};
use ports::EvidenceWrite;
use serde_json::json;
use uuid::Uuid;

use crate::RequestContext;

/// The evidence a property's documents give: verified ones with the facts an operator
/// confirmed; pending ones with what the uploader stated, when that names a requirement and a
/// date (they can only make a requirement PENDING_VERIFICATION); rejected ones nothing.
pub fn evidence_of(documents: &[Document]) -> Vec<Evidence> {
    documents
        .iter()
        .filter_map(|d| match (d.status, d.confirmed, d.stated) {
            (DocumentStatus::Verified, Some(c), _) => Some(Evidence {
                expiry_date: c.expiry_date,
                epc_rating: c.epc_rating,
                exemption_expiry_date: c.exemption_expiry_date,
                ..Evidence::new(c.requirement, EvidenceStatus::Verified, c.issue_date)
            }),
            (DocumentStatus::Pending, _, stated) => {
                let (requirement, issue_date) = (stated.requirement?, stated.issue_date?);
                Some(Evidence {
                    expiry_date: stated.expiry_date,
                    epc_rating: stated.epc_rating,
                    ..Evidence::new(requirement, EvidenceStatus::Pending, issue_date)
                })
            }
            _ => None,
        })
        .collect()
}

/// The property evaluated as of `today` with these documents (its own only).
pub fn evaluate_property(property: &Property, documents: &[Document], today: NaiveDate) -> PropertyEvaluation {
    let own: Vec<Document> = documents
        .iter()
        .filter(|d| d.property_id == property.id)
        .cloned()
        .collect();
    evaluate(
        &PropertyFacts::from(property),
        &evidence_of(&own),
        today,
        &EngineConfig::default(),
    )
}

/// What one evaluation of a property changes: the snapshots to write and one
/// COMPLIANCE_STATUS_CHANGED entry per requirement whose status or due date moved.
#[derive(Debug, Clone, Default)]
pub struct Reevaluation {
    /// Every requirement's snapshot after the evaluation.
    pub current: Vec<StoredSnapshot>,
    /// Those of `current` that are new or differ from the stored one (the status, the due date
    /// or the RED spell): what is to be written.
    pub snapshots: Vec<StoredSnapshot>,
    pub audit: Vec<NewAuditEntry>,
}

impl Reevaluation {
    /// What a document's change writes: its own entry first, then these status changes and
    /// snapshots, computed from the evidence at `version`.
    pub fn written_with(self, version: i64, entry: NewAuditEntry) -> EvidenceWrite {
        let mut audit = vec![entry];
        audit.extend(self.audit);
        EvidenceWrite {
            version,
            audit,
            snapshots: self.snapshots,
        }
    }
}

/// Compares `after` (the property evaluated on `today`) with what was known before: each
/// requirement's stored snapshot, or, where none is stored yet, its evaluation in `before` (the
/// same day without the change being made). A requirement with neither is seen for the first
/// time: its snapshot is written and no change is recorded.
pub fn reevaluate(
    property: &Property,
    stored: &[StoredSnapshot],
    before: Option<&PropertyEvaluation>,
    after: &PropertyEvaluation,
    (today, now): (NaiveDate, chrono::DateTime<chrono::Utc>),
    ctx: &RequestContext,
) -> Reevaluation {
    let previous: Vec<Option<Snapshot>> = after
        .requirements
        .iter()
        .map(|a| {
            let kept = stored
                .iter()
                .find(|s| s.requirement == a.requirement)
                .map(|s| s.snapshot);
            kept.or_else(|| {
                let b = before?.get(a.requirement);
                Some(Snapshot::next(None, b.status, b.due_date, today))
            })
        })
        .collect();
    let property_before = before.map_or_else(
        || Rag::worst_of(previous.iter().flatten().map(|p| p.status.rag())),
        |b| b.status,
    );
    let mut out = Reevaluation::default();
    for (a, previous) in after.requirements.iter().zip(&previous) {
        let next = Snapshot::next(previous.as_ref(), a.status, a.due_date, today);
        let current = StoredSnapshot {
            property_id: property.id,
            requirement: a.requirement,
            snapshot: next,
        };
        out.current.push(current);
        let stored_one = stored.iter().find(|s| s.requirement == a.requirement);
        if stored_one.is_none_or(|s| s.snapshot.differs_from(&next) || s.snapshot.red_since != next.red_since) {
            out.snapshots.push(current);
        }
        let Some(previous) = previous.filter(|p| next.differs_from(p)) else {
            continue;
        };
        let mut entry = NewAuditEntry::new(
            Uuid::now_v7(),
            now,
            AuditAction::ComplianceStatusChanged,
            ctx.actor.clone(),
        );
        entry.client_id = Some(property.client_id);
        entry.resource_type = Some("property".into());
        entry.resource_id = Some(property.id.to_string());
        entry.request_id = ctx.request_id.clone();
        entry.before = Some(json!({
            "requirement": a.requirement, "status": previous.status, "due_date": previous.due_date,
            "property_status": property_before,
        }));
        entry.after = Some(json!({
            "requirement": a.requirement, "status": next.status, "due_date": next.due_date,
            "property_status": after.status,
        }));
        out.audit.push(entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use compliance::Status;
    use domain::{
        ConfirmedFacts, DisplayName, DocumentId, EpcRating, FileType, RequirementType, StatedFacts, StoredFile,
    };
    use testkit::fixtures::stored_client;
    use uuid::Uuid;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn verified_epc(property: &Property, rating: EpcRating, exemption: Option<NaiveDate>) -> Document {
        Document {
            id: DocumentId::from_uuid(Uuid::now_v7()),
            client_id: property.client_id,
            property_id: property.id,
            status: DocumentStatus::Verified,
            file: StoredFile {
                key: "documents/x/y".into(),
                file_type: FileType::Pdf,
                size_bytes: 10,
                sha256: [0; 32],
                display_name: DisplayName::from_client("epc.pdf"),
            },
            stated: StatedFacts::default(),
            confirmed: Some(ConfirmedFacts {
                requirement: RequirementType::Epc,
                issue_date: day(2024, 1, 1),
                expiry_date: None,
                epc_rating: Some(rating),
                exemption_expiry_date: exemption,
            }),
            rejection_reason: None,
            uploaded_by: None,
            reviewed_by: None,
            reviewed_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_registered_exemption_makes_an_f_rating_lawful_until_it_ends() {
        let (_, properties) = stored_client("exempt@example.com", 1, Utc::now());
        let property = &properties[0];
        let today = day(2026, 6, 1);
        let epc = |exemption| {
            let documents = [verified_epc(property, EpcRating::F, exemption)];
            evaluate_property(property, &documents, today)
                .get(RequirementType::Epc)
                .status
        };
        assert_eq!(epc(None), Status::NonCompliant);
        assert_ne!(epc(Some(day(2028, 1, 1))), Status::NonCompliant);
        assert_eq!(
            epc(Some(day(2026, 1, 1))),
            Status::NonCompliant,
            "an exemption that has ended"
        );
    }
}
