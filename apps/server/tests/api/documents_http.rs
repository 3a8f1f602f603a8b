//! Documents over HTTP: multipart uploads by a provisioned client, downloads, the operators'
//! review and suggestions, and the dashboard following each step; bad files answered clearly.

use domain::{AuditAction, ClientId, DocumentStatus};
use serde_json::Value;

use crate::access_helpers::create_admin;
use crate::documents::pdf;
use crate::helpers::{TestApp, on_both_backends};

/// A paid, provisioned client signed in: its session token and client id.
pub(crate) async fn signed_in_client(app: &TestApp, email: &str) -> (String, ClientId) {
    let user = crate::payments::provisioned_client(app, email).await;
    (app.token(email).await, user.client_id.unwrap())
}

/// The id of the client's (first) property.
pub(crate) async fn first_property(app: &TestApp, client_id: ClientId) -> String {
    app.store
        .list_properties(client_id)
        .await
        .unwrap()
        .remove(0)
        .id
        .to_string()
}

/// A multipart body: the text fields in order, then the file.
pub(crate) fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
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

pub(crate) async fn post_upload(
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
    let (token, client_id) = signed_in_client(&app, "portal@example.com").await;
    let property = first_property(&app, client_id).await;
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
    let (other, _) = signed_in_client(&app, "neighbour@example.com").await;
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
    for (facts, field) in [
        (
            serde_json::json!({ "requirement": "EPC", "issue_date": "2026-01-10" }),
            "epc_rating",
        ),
        (
            serde_json::json!({ "requirement": "EICR", "issue_date": "2026-01-10", "expiry_date": "2025-01-10" }),
            "expiry_date",
        ),
        (
            serde_json::json!({ "requirement": "EICR", "issue_date": "2999-01-10" }),
            "issue_date",
        ),
        (
            serde_json::json!({ "requirement": "GAS", "issue_date": "2026-01-10" }),
            "requirement",
        ),
    ] {
        let refused = app
            .http
            .post(&url)
            .bearer_auth(&admin)
            .json(&facts)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422, "{facts}");
        assert_eq!(refused.json::<Value>().await.unwrap()["errors"][0]["field"], field);
    }
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
    let (token, client_id) = signed_in_client(&app, "careful@example.com").await;
    let property = first_property(&app, client_id).await;
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
    let created = post_upload(
        &app,
        &token,
        "/api/client/documents",
        &[("property_id", property.as_str())],
        &record,
    )
    .await;
    let document_id = created.json::<Value>().await.unwrap()["document_id"]
        .as_str()
        .unwrap()
        .to_owned();
    create_admin(&app, "suggest-ops@example.com").await;
    let admin = app.token("suggest-ops@example.com").await;
    let url = format!("{}/api/admin/documents/{document_id}/suggestions", app.address);
    let view: Value = app
        .http
        .get(&url)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    assert_eq!(
        app.http.get(&url).bearer_auth(&token).send().await.unwrap().status(),
        403,
        "admins only"
    );
}
