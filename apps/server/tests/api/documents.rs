//! Evidence uploads and reviews through the use cases, on both stores and the local file store:
//! what is accepted, what is left behind when it is not, and how the compliance status moves.

use adapter_storage::LocalDocumentStore;
use app::RequestContext;
use app::documents::{NewUpload, ReviewDocumentError, UploadError, UploadServices, review_document, upload_document};
use chrono::{NaiveDate, Utc};
use domain::{
    AuditAction, ClientId, ConfirmedFacts, DisplayName, DocumentStatus, EpcRating, FileType, FileTypeError,
    RequirementType, Review, StatedFacts,
};
use futures_util::stream;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::access_helpers::create_admin;
use crate::helpers::{TestApp, on_both_backends, valid_intake};

on_both_backends!(
    an_upload_streams_to_storage_and_moves_the_status,
    refused_uploads_leave_nothing_behind
);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

async fn client(app: &TestApp, email: &str) -> (ClientId, domain::PropertyId) {
    let body: Value = app.submit_intake(&valid_intake(email)).await.json().await.unwrap();
    let client_id: ClientId = body["client_id"].as_str().unwrap().parse().unwrap();
    let property = app.store.list_properties(client_id).await.unwrap().remove(0);
    (client_id, property.id)
}

fn pdf(len: usize) -> Vec<u8> {
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
        today: today(),
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
    let s = UploadServices {
        store: &*app.store,
        files: &files,
        clock: &compliance_vault::clock::SystemClock,
        max_bytes: 1_000_000,
    };
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
    };
    let review = |review| review_document(&*app.store, Utc::now(), today(), document.id, review, admin.id, &ctx);
    let verified = review(Review::Verify(facts)).await.unwrap();
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
    let again = review(Review::Reject { reason: "late".into() }).await;
    assert!(matches!(again, Err(ReviewDocumentError::AlreadyReviewed)));
}

async fn refused_uploads_leave_nothing_behind(app: TestApp) {
    let root = app.settings.data_dir.join("documents");
    let files = LocalDocumentStore::new(root.clone());
    let s = UploadServices {
        store: &*app.store,
        files: &files,
        clock: &compliance_vault::clock::SystemClock,
        max_bytes: 50_000,
    };
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

/// A paid, provisioned client with its password set; returns its session token and client id.
async fn provisioned_client(app: &TestApp, email: &str) -> (String, ClientId) {
    let body: Value = app.submit_intake(&valid_intake(email)).await.json().await.unwrap();
    let client_id = body["client_id"].as_str().unwrap().to_owned();
    let event = crate::payments::checkout_completed(&format!("evt_{}", uuid::Uuid::new_v4().simple()), &client_id);
    assert_eq!(crate::payments::deliver(app, &event).await.status(), 200);
    let mut link = None;
    for _ in 0..200 {
        let setups = crate::recovery::emails_of(app, "password-setup");
        let mine = setups.iter().find(|e| e["to"] == email);
        link = mine.map(|e| e["model"]["setup_url"].as_str().unwrap().to_owned());
        if link.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let link = link.expect("the setup email arrives");
    assert_eq!(
        app.set_password(crate::recovery::token_in(&link), crate::access_helpers::PASSWORD)
            .await
            .status(),
        204
    );
    (app.token(email).await, client_id.parse().unwrap())
}

/// A multipart body: the text fields in order, then the file.
fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "cv-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_upload(
    app: &TestApp,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    file: &[u8],
) -> reqwest::Response {
    let (content_type, body) = multipart(fields, "../évidence final.pdf", file);
    app.http
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

on_both_backends!(over_http_a_client_uploads_an_admin_verifies_and_the_dashboard_follows);

async fn over_http_a_client_uploads_an_admin_verifies_and_the_dashboard_follows(app: TestApp) {
    let (token, client_id) = provisioned_client(&app, "portal@example.com").await;
    let property = app
        .store
        .list_properties(client_id)
        .await
        .unwrap()
        .remove(0)
        .id
        .to_string();
    let fields = [
        ("property_id", property.as_str()),
        ("requirement", "EPC"),
        ("issue_date", "2026-01-10"),
        ("epc_rating", "C"),
    ];
    let bytes = pdf(40_000);
    let created = post_upload(&app, &token, "/api/client/documents", &fields, &bytes).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let document_id = created["document_id"].as_str().unwrap().to_owned();

    let listed: Value = app
        .http
        .get(format!("{}/api/client/documents", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["document_id"], document_id.as_str());
    assert_eq!(listed[0]["file_name"], "évidence final.pdf", "the path part dropped");
    let download = app
        .http
        .get(format!("{}/api/client/documents/{document_id}/download", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition
            .starts_with("attachment; filename=\"_vidence final.pdf\"; filename*=UTF-8''%C3%A9vidence%20final.pdf"),
        "{disposition}"
    );
    assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);

    // Another client sees none of it.
    let (other, _) = provisioned_client(&app, "neighbour@example.com").await;
    let theirs = app
        .http
        .get(format!("{}/api/client/documents/{document_id}/download", app.address))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 404);
    let their_list: Value = app
        .http
        .get(format!("{}/api/client/documents", app.address))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(their_list, serde_json::json!([]));
    assert_eq!(
        post_upload(&app, &other, "/api/client/documents", &fields, &bytes)
            .await
            .status(),
        404,
        "not their property"
    );

    let dashboard = |token: String| {
        let url = format!("{}/api/client/dashboard", app.address);
        let http = app.http.clone();
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let epc = |board: &Value| {
        board["properties"][0]["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["requirement"] == "EPC")
            .cloned()
            .unwrap()
    };
    assert_eq!(epc(&dashboard(token.clone()).await)["status"], "PENDING_VERIFICATION");

    create_admin(&app, "verifier@example.com").await;
    let admin = app.token("verifier@example.com").await;
    let verify = serde_json::json!({ "requirement": "EPC", "issue_date": "2026-01-10", "epc_rating": "C" });
    let url = format!("{}/api/admin/documents/{document_id}/verify", app.address);
    let verified = app
        .http
        .post(&url)
        .bearer_auth(&admin)
        .json(&verify)
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let board = dashboard(token.clone()).await;
    assert_eq!(
        (epc(&board)["status"].as_str(), epc(&board)["rag"].as_str()),
        (Some("COMPLIANT"), Some("GREEN"))
    );
    assert_eq!(epc(&board)["document_id"], document_id.as_str());
    assert_eq!(
        app.http
            .post(&url)
            .bearer_auth(&admin)
            .json(&verify)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        app.http
            .post(&url)
            .bearer_auth(&token)
            .json(&verify)
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "clients do not verify"
    );

    // A stated gas certificate makes gas PENDING_VERIFICATION; rejected, it counts for nothing again.
    let gas_fields = [
        ("property_id", property.as_str()),
        ("requirement", "GAS_SAFETY"),
        ("issue_date", "2026-02-01"),
    ];
    let gas: Value = post_upload(&app, &token, "/api/client/documents", &gas_fields, &pdf(1_000))
        .await
        .json()
        .await
        .unwrap();
    let gas_status = |board: &Value| {
        let requirements = board["properties"][0]["requirements"].as_array().unwrap().clone();
        requirements
            .into_iter()
            .find(|r| r["requirement"] == "GAS_SAFETY")
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(gas_status(&dashboard(token.clone()).await), "PENDING_VERIFICATION");
    let reject = format!(
        "{}/api/admin/documents/{}/reject",
        app.address,
        gas["document_id"].as_str().unwrap()
    );
    let rejected = app
        .http
        .post(&reject)
        .bearer_auth(&admin)
        .json(&serde_json::json!({"reason": "The certificate is for another address."}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.json::<Value>().await.unwrap()["status"], "REJECTED");
    assert_eq!(gas_status(&dashboard(token.clone()).await), "MISSING");
    let entries = app.store.entries_for_client(client_id, 100).await.unwrap();
    assert!(entries.iter().any(|e| e.entry.action == AuditAction::DocumentRejected));
}

#[tokio::test]
async fn over_http_bad_files_get_clear_answers() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite, &[("MAX_UPLOAD_BYTES", "10000")])
        .await
        .unwrap();
    let (token, client_id) = provisioned_client(&app, "careful@example.com").await;
    let property = app
        .store
        .list_properties(client_id)
        .await
        .unwrap()
        .remove(0)
        .id
        .to_string();
    let html = b"<html><body onload=alert(1)>".to_vec();
    let send = |fields: Vec<(&'static str, String)>, file: Vec<u8>| {
        let token = token.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_upload(app, &token, "/api/client/documents", &fields, &file).await
        }
    };
    let with_property = || vec![("property_id", property.clone())];
    assert_eq!(send(with_property(), html).await.status(), 415);
    assert_eq!(send(with_property(), Vec::new()).await.status(), 422);
    assert_eq!(send(with_property(), pdf(20_000)).await.status(), 413);
    let bad_date = send(
        vec![("property_id", property.clone()), ("issue_date", "10/01/2026".into())],
        pdf(10),
    )
    .await;
    assert_eq!(
        bad_date.json::<Value>().await.unwrap()["errors"][0]["field"],
        "issue_date"
    );
    let no_property: Value = send(Vec::new(), pdf(10)).await.json().await.unwrap();
    assert_eq!(no_property["errors"][0]["field"], "property_id");
    assert!(app.store.list_documents(client_id).await.unwrap().is_empty());
}
