//! Evidence uploads and reviews on both stores and the local file store, through the API: what
//! is stored, what is left behind when an upload is refused (nothing), and how the compliance
//! status moves, also under racing uploads. The use cases' own tests are in
//! `crates/app/tests/documents.rs`.

use domain::{AuditAction, AuditEntry, ClientId, DocumentStatus, FileType};
use serde_json::json;
use sha2::{Digest, Sha256};
use testkit::fixtures::pdf_bytes as pdf;

use crate::access_helpers::create_admin;
use crate::calls::{UPLOADED_NAME, epc_fields, first_property, signed_in_client};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app};

/// The client's compliance status changes, newest first, as (before, after).
async fn changes(app: &TestApp, client_id: ClientId) -> Vec<(String, String)> {
    let entries: Vec<AuditEntry> = app.store.entries_for_client(client_id, 100).await.unwrap();
    entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::ComplianceStatusChanged)
        .map(|e| {
            let status = |v: &Option<serde_json::Value>| v.as_ref().unwrap()["status"].as_str().unwrap().to_owned();
            (status(&e.entry.before), status(&e.entry.after))
        })
        .collect()
}

fn pair(before: &str, after: &str) -> (String, String) {
    (before.to_owned(), after.to_owned())
}

on_both_backends!(
    an_upload_streams_to_storage_and_moves_the_status,
    concurrent_uploads_record_each_status_change_once
);

async fn an_upload_streams_to_storage_and_moves_the_status(app: TestApp) {
    let (token, client_id) = signed_in_client(&app, "uploader@example.com").await;
    let property = first_property(&app, client_id).await;
    let fields = epc_fields(&property);
    let bytes = pdf(300_000);
    let id = app.uploaded(&token, &fields, &bytes).await;
    let document = app.store.get_document(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(document.status, DocumentStatus::Pending);
    assert_eq!(document.file.file_type, FileType::Pdf);
    assert_eq!(document.file.size_bytes, bytes.len() as u64);
    assert_eq!(document.file.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(
        document.file.display_name.as_str(),
        "évidence final.pdf",
        "from {UPLOADED_NAME}"
    );
    let stored = std::fs::read(app.settings.data_dir.join("documents").join(&document.file.key)).unwrap();
    assert_eq!(stored, bytes, "stored under the generated key, byte for byte");
    let entries = app.store.entries_for_client(client_id, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.entry.action == AuditAction::DocumentUploaded));
    assert_eq!(
        changes(&app, client_id).await,
        [pair("MISSING", "PENDING_VERIFICATION")]
    );

    create_admin(&app, "reviewer@example.com").await;
    let admin = app.token("reviewer@example.com").await;
    let facts = json!({ "requirement": "EPC", "issue_date": "2026-01-10", "epc_rating": "C" });
    assert_eq!(app.verify(&admin, &id, &facts).await.status(), 200);
    let verified = app.store.get_document(document.id).await.unwrap().unwrap();
    assert_eq!(verified.status, DocumentStatus::Verified);
    assert_eq!(
        verified.confirmed.map(|f| (f.requirement, f.issue_date.to_string())),
        Some((domain::RequirementType::Epc, "2026-01-10".to_owned()))
    );
    let entries = app.store.entries_for_client(client_id, 50).await.unwrap();
    assert!(entries.iter().any(|e| e.entry.action == AuditAction::DocumentVerified));
    assert_eq!(
        changes(&app, client_id).await[0],
        pair("PENDING_VERIFICATION", "COMPLIANT"),
        "newest first"
    );
    assert_eq!(app.reject(&admin, &id, "late").await.status(), 409, "reviewed once");
}

async fn refused_uploads_leave_nothing_behind(backend: Backend) {
    let Some(app) = spawn_app(backend, &[("MAX_UPLOAD_BYTES", "50000")]).await else {
        return;
    };
    let (token, client_id) = signed_in_client(&app, "refused@example.com").await;
    let property = first_property(&app, client_id).await;
    let (_, someone_else) = signed_in_client(&app, "other-landlord@example.com").await;
    let others_property = first_property(&app, someone_else).await;
    let attempt = |property: String, bytes: Vec<u8>| {
        let (app, token) = (&app, &token);
        async move {
            let response = app.upload(token, &[("property_id", property.as_str())], &bytes).await;
            response.status().as_u16()
        }
    };

    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    assert_eq!(attempt(property.clone(), html).await, 415);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
    assert_eq!(attempt(property.clone(), svg).await, 415);
    assert_eq!(attempt(property.clone(), b"MZ\x90\0\x03\0\0\0\x04".to_vec()).await, 415);
    assert_eq!(attempt(property.clone(), Vec::new()).await, 422);
    assert_eq!(attempt(property.clone(), pdf(60_000)).await, 413);
    assert_eq!(attempt(others_property, pdf(100)).await, 404);

    assert!(
        app.store.list_documents(client_id).await.unwrap().is_empty(),
        "no record"
    );
    let leftovers = walk(&app.settings.data_dir.join("documents"));
    assert!(leftovers.is_empty(), "no file left in storage: {leftovers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_uploads_on_sqlite() {
    refused_uploads_leave_nothing_behind(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "needs TEST_DATABASE_URL")]
async fn refused_uploads_on_postgres() {
    refused_uploads_leave_nothing_behind(Backend::Postgres).await;
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

async fn concurrent_uploads_record_each_status_change_once(app: TestApp) {
    let (token, client_id) = signed_in_client(&app, "racing@example.com").await;
    let property = first_property(&app, client_id).await;
    let fields = epc_fields(&property);
    let bytes = pdf(20_000);
    let uploads = (0..6).map(|_| app.upload(&token, &fields, &bytes));
    for response in futures_util::future::join_all(uploads).await {
        assert_eq!(response.status(), 201);
    }
    assert_eq!(app.store.list_documents(client_id).await.unwrap().len(), 6);
    assert_eq!(
        changes(&app, client_id).await,
        [pair("MISSING", "PENDING_VERIFICATION")],
        "the first upload moved EPC; the five after it changed nothing"
    );
}
