//! Documents over HTTP: multipart uploads by a provisioned client, downloads, the operators'
//! review and suggestions, and the dashboard following each step; bad files answered clearly.

use domain::{AuditAction, DocumentStatus};
use serde_json::{Value, json};
use testkit::fixtures::pdf_bytes as pdf;

use crate::access_helpers::create_admin;
use crate::calls::{epc_fields, first_property, requirement, signed_in_client};
use crate::helpers::{TestApp, on_both_backends};

on_both_backends!(over_http_a_client_uploads_an_admin_verifies_and_the_dashboard_follows);

async fn over_http_a_client_uploads_an_admin_verifies_and_the_dashboard_follows(app: TestApp) {
    let (token, client_id) = signed_in_client(&app, "portal@example.com").await;
    let property = first_property(&app, client_id).await;
    let fields = epc_fields(&property);
    let bytes = pdf(40_000);
    // Read (and so stored) before the upload: what follows must not be that stored portfolio.
    let epc = |board: &Value| requirement(board, "EPC");
    assert_eq!(epc(&app.dashboard(&token).await)["status"], "MISSING");
    assert_eq!(epc(&app.dashboard(&token).await)["status"], "MISSING", "read again");
    let document_id = app.uploaded(&token, &fields, &bytes).await;

    let listed = app.documents(&token).await;
    assert_eq!(listed[0]["document_id"], document_id.as_str());
    assert_eq!(listed[0]["file_name"], "évidence final.pdf", "the path part dropped");
    let download = app.download(&token, &document_id).await;
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
    let (other, _) = signed_in_client(&app, "neighbour@example.com").await;
    assert_eq!(app.download(&other, &document_id).await.status(), 404);
    assert_eq!(app.documents(&other).await, json!([]));
    assert_eq!(
        app.upload(&other, &fields, &bytes).await.status(),
        404,
        "not their property"
    );

    assert_eq!(epc(&app.dashboard(&token).await)["status"], "PENDING_VERIFICATION");

    create_admin(&app, "verifier@example.com").await;
    let admin = app.token("verifier@example.com").await;
    let facts = json!({ "requirement": "EPC", "issue_date": "2026-01-10", "epc_rating": "C" });
    assert_eq!(app.verify(&admin, &document_id, &facts).await.status(), 200);
    let board = app.dashboard(&token).await;
    assert_eq!(
        (epc(&board)["status"].as_str(), epc(&board)["rag"].as_str()),
        (Some("COMPLIANT"), Some("GREEN"))
    );
    assert_eq!(epc(&board)["document_id"], document_id.as_str());
    assert_eq!(app.verify(&admin, &document_id, &facts).await.status(), 409);
    for (impossible, field) in [
        (
            json!({ "requirement": "EPC", "issue_date": "2026-01-10" }),
            "epc_rating",
        ),
        (
            json!({ "requirement": "EICR", "issue_date": "2026-01-10", "expiry_date": "2025-01-10" }),
            "expiry_date",
        ),
        (
            json!({ "requirement": "EICR", "issue_date": "2999-01-10" }),
            "issue_date",
        ),
        (
            json!({ "requirement": "GAS", "issue_date": "2026-01-10" }),
            "requirement",
        ),
    ] {
        let refused = app.verify(&admin, &document_id, &impossible).await;
        assert_eq!(refused.status(), 422, "{impossible}");
        assert_eq!(refused.json::<Value>().await.unwrap()["errors"][0]["field"], field);
    }
    assert_eq!(
        app.verify(&token, &document_id, &facts).await.status(),
        403,
        "clients do not verify"
    );

    // A stated gas certificate makes gas PENDING_VERIFICATION; rejected, it counts for nothing again.
    let gas_fields = [
        ("property_id", property.as_str()),
        ("requirement", "GAS_SAFETY"),
        ("issue_date", "2026-02-01"),
    ];
    let gas = app.uploaded(&token, &gas_fields, &pdf(1_000)).await;
    let gas_status = |board: &Value| requirement(board, "GAS_SAFETY")["status"].clone();
    assert_eq!(gas_status(&app.dashboard(&token).await), "PENDING_VERIFICATION");
    let rejected = app
        .reject(&admin, &gas, "The certificate is for another address.")
        .await;
    assert_eq!(rejected.json::<Value>().await.unwrap()["status"], "REJECTED");
    assert_eq!(gas_status(&app.dashboard(&token).await), "MISSING");
    let entries = app.store.entries_for_client(client_id, 100).await.unwrap();
    assert!(entries.iter().any(|e| e.entry.action == AuditAction::DocumentRejected));
}

#[tokio::test]
async fn over_http_bad_files_get_clear_answers() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite, &[("MAX_UPLOAD_BYTES", "10000")])
        .await
        .unwrap();
    let (token, client_id) = signed_in_client(&app, "careful@example.com").await;
    let property = first_property(&app, client_id).await;
    let html = b"<html><body onload=alert(1)>".to_vec();
    let send = |fields: Vec<(&'static str, String)>, file: Vec<u8>| {
        let token = token.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.upload(&token, &fields, &file).await
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

#[tokio::test]
async fn the_verifying_admin_sees_suggestions_read_from_the_pdf() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite, &[])
        .await
        .unwrap();
    let (token, client_id) = signed_in_client(&app, "suggest@example.com").await;
    let property = first_property(&app, client_id).await;
    let record = testkit::fixtures::text_pdf(&[
        "LANDLORD GAS SAFETY RECORD (CP12)",
        "Engineer: A. Fitter (Gas Safe registration number 612345)",
        "Date of inspection: 10/01/2026",
        "Next safety check due by: 09/01/2027",
    ]);
    let document_id = app
        .uploaded(&token, &[("property_id", property.as_str())], &record)
        .await;
    create_admin(&app, "suggest-ops@example.com").await;
    let admin = app.token("suggest-ops@example.com").await;
    let view: Value = app.suggestions(&admin, &document_id).await.json().await.unwrap();
    assert_eq!(view["text_found"], true);
    let s = &view["suggestions"];
    assert_eq!(s["requirement"]["value"], "GAS_SAFETY");
    assert_eq!(s["issue_date"]["value"], "2026-01-10");
    assert_eq!(s["expiry_date"]["value"], "2027-01-09");
    assert_eq!(s["gas_safe_number"]["value"], "612345");
    assert!(
        s["gas_safe_number"]["snippet"]
            .as_str()
            .unwrap()
            .contains("Gas Safe registration")
    );
    // A suggestion changes nothing: the document is still pending, the requirement still missing.
    let document = app
        .store
        .get_document(document_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(document.status, DocumentStatus::Pending);
    assert_eq!(app.suggestions(&token, &document_id).await.status(), 403, "admins only");
}
