//! What one account may upload: a storage quota per client, an hourly number per user, and a
//! bound on the text fields before the file.

use serde_json::Value;
use testkit::fixtures::pdf_bytes as pdf;

use crate::calls::{first_property, signed_in_client};
use crate::helpers::{Backend, spawn_app};

async fn a_client_past_its_quota_gets_413_naming_what_is_used_and_allowed(backend: Backend) {
    let Some(app) = spawn_app(backend, &[("UPLOAD_QUOTA_BYTES", "100000")]).await else {
        return;
    };
    let (token, client_id) = signed_in_client(&app, "quota@example.com").await;
    let property = first_property(&app, client_id).await;
    let fields = [("property_id", property.as_str())];
    let first = app.upload(&token, &fields, &pdf(60_000)).await;
    assert_eq!(first.status(), 201);
    let second = app.upload(&token, &fields, &pdf(60_000)).await;
    assert_eq!(second.status(), 413);
    let problem: Value = second.json().await.unwrap();
    assert_eq!(problem["code"], "quota_exceeded");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("60009") && detail.contains("100000"), "{detail}");
    assert_eq!(
        app.store.list_documents(client_id).await.unwrap().len(),
        1,
        "nothing half-written"
    );
    let files = std::fs::read_dir(
        app.settings
            .data_dir
            .join("documents")
            .join("documents")
            .join(client_id.to_string()),
    )
    .unwrap()
    .count();
    assert_eq!(files, 1, "the refused file is not left in storage");
    // What still fits goes in.
    let small = app.upload(&token, &fields, &pdf(30_000)).await;
    assert_eq!(small.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_on_sqlite() {
    a_client_past_its_quota_gets_413_naming_what_is_used_and_allowed(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "needs TEST_DATABASE_URL")]
async fn quota_on_postgres() {
    a_client_past_its_quota_gets_413_naming_what_is_used_and_allowed(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_past_the_hourly_uploads_gets_429() {
    let app = spawn_app(Backend::Sqlite, &[("UPLOADS_PER_USER_PER_HOUR", "2")])
        .await
        .unwrap();
    let (token, client_id) = signed_in_client(&app, "busy-uploader@example.com").await;
    let property = first_property(&app, client_id).await;
    let fields = [("property_id", property.as_str())];
    for _ in 0..2 {
        let response = app.upload(&token, &fields, &pdf(1_000)).await;
        assert_eq!(response.status(), 201);
    }
    let third = app.upload(&token, &fields, &pdf(1_000)).await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    assert_eq!(app.store.list_documents(client_id).await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_fields_are_sent_once_each_and_bounded_together() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let (token, client_id) = signed_in_client(&app, "fields@example.com").await;
    let property = first_property(&app, client_id).await;
    let send = |fields: Vec<(&'static str, String)>| {
        let (app, token) = (&app, &token);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let response = app.upload(token, &fields, &pdf(1_000)).await;
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, problem) = send(vec![
        ("property_id", property.clone()),
        ("issue_date", "2026-01-10".into()),
        ("issue_date", "2026-01-11".into()),
    ])
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "duplicate_field");
    assert_eq!(problem["errors"][0]["field"], "issue_date");

    // Each field under its own 200 bytes, together over 512 (padding that trims away).
    let padded = |value: &str| format!("{value}{}", " ".repeat(150 - value.len()));
    let (status, problem) = send(vec![
        ("property_id", padded(&property)),
        ("requirement", padded("EPC")),
        ("issue_date", padded("2026-01-10")),
        ("expiry_date", padded("2036-01-10")),
    ])
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["code"], "fields_too_long", "{problem}");
    assert!(app.store.list_documents(client_id).await.unwrap().is_empty());
}
