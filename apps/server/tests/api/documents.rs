//! Evidence uploads and reviews through the use cases, on both stores and the local file store:
//! what is accepted, what is left behind when it is not, and how the compliance status moves.

use adapter_storage::LocalDocumentStore;
use app::RequestContext;
use app::documents::{
    Decision, DocumentServices, NewUpload, ReviewDocumentError, UploadError, UploadLimits, review_document,
    upload_document,
};
use chrono::NaiveDate;
use compliance_vault::rate_limit::InMemoryRateLimiter;
use domain::{
    AuditAction, ClientId, ConfirmedFacts, DisplayName, DocumentStatus, EpcRating, FileType, FileTypeError,
    RequirementType, StatedFacts,
};
use futures_util::stream;
use serde_json::Value;
use sha2::{Digest, Sha256};
use testkit::mocks::MockTextReader;

use crate::access_helpers::create_admin;
use crate::helpers::{TestApp, on_both_backends, valid_intake};

on_both_backends!(
    an_upload_streams_to_storage_and_moves_the_status,
    refused_uploads_leave_nothing_behind
);

async fn client(app: &TestApp, email: &str) -> (ClientId, domain::PropertyId) {
    let body: Value = app.submit_intake(&valid_intake(email)).await.json().await.unwrap();
    let client_id: ClientId = body["client_id"].as_str().unwrap().parse().unwrap();
    let property = app.store.list_properties(client_id).await.unwrap().remove(0);
    (client_id, property.id)
}

pub fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len).map(|i| (i % 251) as u8));
    bytes
}

/// The body in chunks of `size` bytes, as a multipart field would arrive.
fn chunked(bytes: &[u8], size: usize) -> impl futures_util::Stream<Item = Result<Vec<u8>, String>> + Unpin {
    stream::iter(bytes.chunks(size).map(|c| Ok(c.to_vec())).collect::<Vec<_>>())
}

fn upload(client_id: ClientId, property_id: domain::PropertyId, stated: StatedFacts) -> NewUpload {
    NewUpload {
        client_id,
        property_id,
        display_name: DisplayName::from_client("../EPC certificate.pdf"),
        stated,
        uploaded_by: None,
    }
}

/// The document services over the test server's store and `files`: files up to `max_bytes`, a
/// quota far above what the tests upload, no practical rate limit, no text to read.
fn services<'a>(app: &'a TestApp, files: &'a LocalDocumentStore, max_bytes: u64) -> DocumentServices<'a> {
    static LIMITER: std::sync::LazyLock<InMemoryRateLimiter> = std::sync::LazyLock::new(InMemoryRateLimiter::default);
    static READER: std::sync::LazyLock<MockTextReader> = std::sync::LazyLock::new(MockTextReader::new);
    DocumentServices {
        store: &*app.store,
        files,
        clock: &compliance_vault::clock::SystemClock,
        limiter: &*LIMITER,
        reader: &*READER,
        limits: limits(max_bytes),
    }
}

/// Files up to `max_bytes`, a quota far above what the tests upload, no practical rate limit.
fn limits(max_bytes: u64) -> UploadLimits {
    UploadLimits {
        max_bytes,
        quota_bytes: 1_000_000_000,
        per_user_per_hour: 10_000,
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

async fn an_upload_streams_to_storage_and_moves_the_status(app: TestApp) {
    let files = LocalDocumentStore::new(app.settings.data_dir.join("documents"));
    let s = services(&app, &files, 1_000_000);
    let (client_id, property_id) = client(&app, "uploader@example.com").await;
    let bytes = pdf(300_000);
    let ctx = RequestContext::system();
    let document = upload_document(
        s,
        upload(client_id, property_id, epc_stated()),
        chunked(&bytes, 7_777),
        &ctx,
    )
    .await
    .unwrap();
    assert_eq!(document.status, DocumentStatus::Pending);
    assert_eq!(document.file.file_type, FileType::Pdf);
    assert_eq!(document.file.size_bytes, bytes.len() as u64);
    assert_eq!(document.file.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(document.file.display_name.as_str(), "EPC certificate.pdf");
    let stored = std::fs::read(app.settings.data_dir.join("documents").join(&document.file.key)).unwrap();
    assert_eq!(stored, bytes, "stored under the generated key, byte for byte");

    let changes = |entries: &[domain::AuditEntry]| -> Vec<(String, String)> {
        entries
            .iter()
            .filter(|e| e.entry.action == AuditAction::ComplianceStatusChanged)
            .map(|e| {
                let (b, a) = (e.entry.before.as_ref().unwrap(), e.entry.after.as_ref().unwrap());
                (
                    b["status"].as_str().unwrap().to_owned(),
                    a["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let entries = app.store.entries_for_client(client_id, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.entry.action == AuditAction::DocumentUploaded));
    assert_eq!(
        changes(&entries),
        [("MISSING".to_owned(), "PENDING_VERIFICATION".to_owned())]
    );

    let admin = create_admin(&app, "reviewer@example.com").await;
    let facts = ConfirmedFacts {
        requirement: RequirementType::Epc,
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
        expiry_date: None,
        epc_rating: Some(EpcRating::C),
        exemption_expiry_date: None,
    };
    let verify = Decision::Verify {
        requirement: facts.requirement,
        issue_date: facts.issue_date,
        expiry_date: None,
        epc_rating: facts.epc_rating,
        exemption_expiry_date: None,
    };
    let review = |decision| review_document(s, document.id, decision, admin.id, &ctx);
    let verified = review(verify).await.unwrap();
    assert_eq!(
        (verified.status, verified.confirmed),
        (DocumentStatus::Verified, Some(facts))
    );
    let entries = app.store.entries_for_client(client_id, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.entry.action == AuditAction::DocumentVerified));
    assert_eq!(
        changes(&entries)[0],
        ("PENDING_VERIFICATION".to_owned(), "COMPLIANT".to_owned()),
        "newest first"
    );
    let again = review(Decision::Reject { reason: "late".into() }).await;
    assert!(matches!(again, Err(ReviewDocumentError::AlreadyReviewed)));
}

async fn refused_uploads_leave_nothing_behind(app: TestApp) {
    let root = app.settings.data_dir.join("documents");
    let files = LocalDocumentStore::new(root.clone());
    let s = services(&app, &files, 50_000);
    let (client_id, property_id) = client(&app, "refused@example.com").await;
    let (_, others_property) = client(&app, "other-landlord@example.com").await;
    let ctx = &RequestContext::system();
    let attempt = |property, bytes: Vec<u8>| {
        let request = upload(client_id, property, StatedFacts::default());
        async move { upload_document(s, request, chunked(&bytes, 4_096), ctx).await }
    };

    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    assert!(matches!(
        attempt(property_id, html).await,
        Err(UploadError::Refused(FileTypeError::Unsupported))
    ));
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
    assert!(matches!(
        attempt(property_id, svg).await,
        Err(UploadError::Refused(FileTypeError::Unsupported))
    ));
    assert!(matches!(
        attempt(property_id, b"MZ\x90\0\x03\0\0\0\x04".to_vec()).await,
        Err(UploadError::Refused(_))
    ));
    assert!(matches!(
        attempt(property_id, Vec::new()).await,
        Err(UploadError::Refused(FileTypeError::Empty))
    ));
    assert!(matches!(
        attempt(property_id, pdf(60_000)).await,
        Err(UploadError::TooLarge { max_bytes: 50_000 })
    ));
    assert!(matches!(
        attempt(others_property, pdf(100)).await,
        Err(UploadError::UnknownProperty)
    ));

    assert!(
        app.store.list_documents(client_id).await.unwrap().is_empty(),
        "no record"
    );
    let leftovers: Vec<_> = walk(&root);
    assert!(leftovers.is_empty(), "no file left in storage: {leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

on_both_backends!(concurrent_uploads_record_each_status_change_once);

async fn concurrent_uploads_record_each_status_change_once(app: TestApp) {
    let files = LocalDocumentStore::new(app.settings.data_dir.join("documents"));
    let s = services(&app, &files, 1_000_000);
    let (client_id, property_id) = client(&app, "racing@example.com").await;
    let ctx = RequestContext::system();
    let bytes = pdf(20_000);
    let uploads = (0..6).map(|_| {
        upload_document(
            s,
            upload(client_id, property_id, epc_stated()),
            chunked(&bytes, 3_000),
            &ctx,
        )
    });
    for result in futures_util::future::join_all(uploads).await {
        result.unwrap();
    }
    assert_eq!(app.store.list_documents(client_id).await.unwrap().len(), 6);
    let entries = app.store.entries_for_client(client_id, 100).await.unwrap();
    let changes: Vec<_> = entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::ComplianceStatusChanged)
        .map(|e| e.entry.after.as_ref().unwrap()["status"].clone())
        .collect();
    assert_eq!(
        changes,
        ["PENDING_VERIFICATION"],
        "the first upload moved EPC; the five after it changed nothing"
    );
}
