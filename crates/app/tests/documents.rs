//! The document use cases over a mocked store and the in-memory file store: what an upload
//! records and streams, what a refused one leaves behind (nothing), how a stale snapshot is
//! recomputed, and what a review records. The same paths over real stores, on both backends, are
//! the black-box tests in `apps/server/tests/api/documents.rs` and the store conformance suite.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use app::RequestContext;
use app::documents::{Decision, NewUpload, ReviewDocumentError, UploadError, review_document, upload_document};
use chrono::NaiveDate;
use domain::{
    AuditAction, ConfirmedFacts, DisplayName, Document, DocumentStatus, EpcRating, FileType, FileTypeError,
    NewAuditEntry, Property, RequirementType, StatedFacts, UserId,
};
use futures_util::stream;
use mockall::predicate::always;
use ports::{PropertyEvidence, RateDecision, ReviewError, WriteEvidenceError};
use sha2::{Digest, Sha256};
use testkit::fixtures::{pdf_bytes as pdf, stored_client};
use testkit::mocks::{MockRateLimiter, MockStore};

mod support;
use support::World;

impl World {
    /// A store that knows one client's property and its (empty) evidence at version `0`.
    fn with_property(property: &Property) -> Self {
        let mut store = MockStore::new();
        let properties = vec![property.clone()];
        store
            .expect_list_properties()
            .returning(move |_| Ok(properties.clone()));
        store.expect_property_evidence().returning(|_| {
            Ok(PropertyEvidence {
                version: 0,
                documents: Vec::new(),
                snapshots: Vec::new(),
            })
        });
        store.expect_storage_used().returning(|_| Ok(0));
        let mut limiter = MockRateLimiter::new();
        limiter
            .expect_check()
            .returning(|_, _, _| Ok(RateDecision::Allowed { remaining: 1 }));
        Self::new(store, limiter)
    }
}

fn property() -> Property {
    stored_client("uploader@example.com", 1, chrono::Utc::now()).1.remove(0)
}

/// The body in chunks of `size` bytes, as a multipart field would arrive.
fn chunked(bytes: &[u8], size: usize) -> impl futures_util::Stream<Item = Result<Vec<u8>, String>> + Unpin {
    stream::iter(bytes.chunks(size).map(|c| Ok(c.to_vec())).collect::<Vec<_>>())
}

fn upload(property: &Property, stated: StatedFacts) -> NewUpload {
    NewUpload {
        client_id: property.client_id,
        property_id: property.id,
        display_name: DisplayName::from_client("../EPC certificate.pdf"),
        stated,
        uploaded_by: Some(UserId::from_uuid(uuid::Uuid::now_v7())),
    }
}

fn epc_stated() -> StatedFacts {
    StatedFacts {
        requirement: Some(RequirementType::Epc),
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 10),
        expiry_date: None,
        epc_rating: Some(EpcRating::C),
    }
}

/// Each status change in `entries` as (before, after).
fn changes(entries: &[NewAuditEntry]) -> Vec<(String, String)> {
    entries
        .iter()
        .filter(|e| e.action == AuditAction::ComplianceStatusChanged)
        .map(|e| {
            let status = |v: &Option<serde_json::Value>| v.as_ref().unwrap()["status"].as_str().unwrap().to_owned();
            (status(&e.before), status(&e.after))
        })
        .collect()
}

type Recorded = Arc<Mutex<Vec<(Document, Vec<NewAuditEntry>)>>>;

#[tokio::test]
async fn an_upload_streams_to_storage_and_records_the_document_with_its_status_change() {
    let property = property();
    let mut world = World::with_property(&property);
    let recorded: Recorded = Arc::default();
    let sink = Arc::clone(&recorded);
    world
        .store
        .expect_create_document()
        .times(1)
        .returning(move |document, write, _| {
            assert_eq!(write.version, 0, "written against the evidence it was computed from");
            let epc = write.snapshots.iter().find(|s| s.requirement == RequirementType::Epc);
            assert_eq!(
                epc.map(|s| s.snapshot.status),
                Some(domain::Status::PendingVerification),
                "the new snapshot is written with the document"
            );
            sink.lock().unwrap().push((document.clone(), write.audit.clone()));
            Ok(())
        });
    let bytes = pdf(300_000);
    let document = upload_document(
        world.services(),
        upload(&property, epc_stated()),
        chunked(&bytes, 7_777),
        &RequestContext::system(),
    )
    .await
    .unwrap();

    assert_eq!(document.status, DocumentStatus::Pending);
    assert_eq!(document.file.file_type, FileType::Pdf);
    assert_eq!(document.file.size_bytes, bytes.len() as u64);
    assert_eq!(document.file.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(document.file.display_name.as_str(), "EPC certificate.pdf");
    assert_eq!(
        world.files.bytes(&document.file.key),
        Some(bytes),
        "stored under the generated key, byte for byte"
    );
    let recorded = recorded.lock().unwrap();
    let (stored, entries) = &recorded[0];
    assert_eq!(stored, &document);
    assert_eq!(entries[0].action, AuditAction::DocumentUploaded);
    assert_eq!(
        changes(entries),
        [("MISSING".to_owned(), "PENDING_VERIFICATION".to_owned())]
    );
}

#[tokio::test]
async fn refused_uploads_leave_nothing_behind() {
    let property = property();
    let mut world = World::with_property(&property);
    world.max_bytes = 50_000;
    world.store.expect_create_document().never();
    let attempt = |property: Property, bytes: Vec<u8>| {
        let s = world.services();
        async move {
            let request = upload(&property, StatedFacts::default());
            upload_document(s, request, chunked(&bytes, 4_096), &RequestContext::system()).await
        }
    };

    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    assert!(matches!(
        attempt(property.clone(), html).await,
        Err(UploadError::Refused(FileTypeError::Unsupported))
    ));
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
    assert!(matches!(
        attempt(property.clone(), svg).await,
        Err(UploadError::Refused(FileTypeError::Unsupported))
    ));
    assert!(matches!(
        attempt(property.clone(), b"MZ\x90\0\x03\0\0\0\x04".to_vec()).await,
        Err(UploadError::Refused(_))
    ));
    assert!(matches!(
        attempt(property.clone(), Vec::new()).await,
        Err(UploadError::Refused(FileTypeError::Empty))
    ));
    assert!(matches!(
        attempt(property.clone(), pdf(60_000)).await,
        Err(UploadError::TooLarge { max_bytes: 50_000 })
    ));
    let mut someone_elses = property.clone();
    someone_elses.id = domain::PropertyId::from_uuid(uuid::Uuid::now_v7());
    assert!(matches!(
        attempt(someone_elses, pdf(100)).await,
        Err(UploadError::UnknownProperty)
    ));
    assert_eq!(world.files.keys(), Vec::<String>::new(), "no file left in storage");
}

#[tokio::test]
async fn a_stale_snapshot_is_computed_again_and_a_failed_record_removes_its_file() {
    let property = property();
    let mut world = World::with_property(&property);
    let mut conflicts = 0;
    world.store.expect_create_document().times(2).returning(move |_, _, _| {
        conflicts += 1;
        if conflicts == 1 {
            Err(WriteEvidenceError::Conflict)
        } else {
            Err(WriteEvidenceError::QuotaExceeded { used: 7 })
        }
    });
    let refused = upload_document(
        world.services(),
        upload(&property, epc_stated()),
        chunked(&pdf(1_000), 512),
        &RequestContext::system(),
    )
    .await;
    assert!(
        matches!(refused, Err(UploadError::QuotaExceeded { used: 7, .. })),
        "{refused:?}"
    );
    assert_eq!(
        world.files.keys(),
        Vec::<String>::new(),
        "the file of an unrecorded upload is removed"
    );
}

#[tokio::test]
async fn a_review_confirms_the_facts_records_the_change_and_happens_once() {
    let property = property();
    let mut world = World::with_property(&property);
    let pending = Document {
        id: domain::DocumentId::from_uuid(uuid::Uuid::now_v7()),
        client_id: property.client_id,
        property_id: property.id,
        status: DocumentStatus::Pending,
        file: domain::StoredFile {
            key: "documents/a/b".into(),
            file_type: FileType::Pdf,
            size_bytes: 10,
            sha256: [0; 32],
            display_name: DisplayName::from_client("epc.pdf"),
        },
        stated: epc_stated(),
        confirmed: None,
        rejection_reason: None,
        uploaded_by: None,
        reviewed_by: None,
        reviewed_at: None,
        created_at: chrono::Utc::now(),
    };
    let id = pending.id;
    let snapshot = pending.clone();
    world.store.checkpoint();
    let properties = vec![property.clone()];
    world
        .store
        .expect_list_properties()
        .returning(move |_| Ok(properties.clone()));
    world.store.expect_property_evidence().returning(move |_| {
        Ok(PropertyEvidence {
            version: 3,
            documents: vec![snapshot.clone()],
            snapshots: Vec::new(),
        })
    });
    let stored = pending.clone();
    world
        .store
        .expect_get_document()
        .returning(move |_| Ok(Some(stored.clone())));
    let recorded: Arc<Mutex<Vec<NewAuditEntry>>> = Arc::default();
    let sink = Arc::clone(&recorded);
    let mut reviews = 0;
    world
        .store
        .expect_review_document()
        .with(always(), always(), always(), always(), always())
        .times(2)
        .returning(move |_, review, _, _, write| {
            reviews += 1;
            if reviews > 1 {
                return Err(ReviewError::NotPending);
            }
            assert_eq!(write.version, 3);
            sink.lock().unwrap().extend_from_slice(&write.audit);
            let domain::Review::Verify(facts) = review else {
                panic!("a verification was asked for")
            };
            let mut verified = pending.clone();
            verified.status = DocumentStatus::Verified;
            verified.confirmed = Some(*facts);
            Ok(verified)
        });
    let facts = ConfirmedFacts {
        requirement: RequirementType::Epc,
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
        expiry_date: None,
        epc_rating: Some(EpcRating::C),
        exemption_expiry_date: None,
    };
    let verify = || Decision::Verify {
        requirement: facts.requirement,
        issue_date: facts.issue_date,
        expiry_date: None,
        epc_rating: facts.epc_rating,
        exemption_expiry_date: None,
    };
    let reviewer = UserId::from_uuid(uuid::Uuid::now_v7());
    let ctx = RequestContext::system();
    let review = |decision| review_document(world.services(), id, decision, reviewer, &ctx);
    let verified = review(verify()).await.unwrap();
    assert_eq!(
        (verified.status, verified.confirmed),
        (DocumentStatus::Verified, Some(facts))
    );
    let entries = recorded.lock().unwrap().clone();
    assert_eq!(entries[0].action, AuditAction::DocumentVerified);
    assert_eq!(
        changes(&entries),
        [("PENDING_VERIFICATION".to_owned(), "COMPLIANT".to_owned())]
    );
    assert!(matches!(
        review(verify()).await,
        Err(ReviewDocumentError::AlreadyReviewed)
    ));
    // Facts that cannot be true never reach the store (it allows two calls, both made above).
    let impossible = Decision::Verify {
        requirement: RequirementType::Epc,
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
        expiry_date: None,
        epc_rating: None,
        exemption_expiry_date: None,
    };
    assert!(matches!(
        review(impossible).await,
        Err(ReviewDocumentError::ImpossibleFacts(_))
    ));
}
