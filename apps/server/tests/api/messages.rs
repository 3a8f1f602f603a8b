//! The message log from the operators' side, Postmark's webhook, and delivery through Postmark
//! (a wiremock server standing in for its API) with retries and permanent refusals.

use base64::Engine;
use chrono::Utc;
use domain::{EmailContent, MessageId, OutgoingEmail};
use ports::Delivery;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::access_helpers::{client_with_password, create_admin};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app};
use crate::recovery::wait_for;

on_both_backends!(an_admin_emails_a_client_and_finds_it_in_the_message_log);

async fn admin_token(app: &TestApp) -> String {
    create_admin(app, "ops@example.com").await;
    app.token("ops@example.com").await
}

async fn messages(app: &TestApp, admin: &str, query: &str) -> reqwest::Response {
    app.http
        .get(format!("{}/api/admin/messages{query}", app.address))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
}

async fn an_admin_emails_a_client_and_finds_it_in_the_message_log(app: TestApp) {
    let admin = admin_token(&app).await;
    let user = client_with_password(&app, "tenant-landlord@example.com").await;
    let client_id = user.client_id.unwrap();
    let url = format!("{}/api/admin/clients/{client_id}/email", app.address);
    let body = json!({ "subject": "Your EICR", "message": "Dear client,\n\nPlease upload <b>the report</b>." });
    let response = app
        .http
        .post(&url)
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let queued: Value = response.json().await.unwrap();

    let manual = wait_for(&app, "admin-manual", 1).await.remove(0);
    assert_eq!(manual["to"], "tenant-landlord@example.com");
    assert_eq!(manual["subject"], "Your EICR");
    assert_eq!(
        manual["model"]["message"],
        "Dear client,\n\nPlease upload <b>the report</b>."
    );
    let entries = app.store.entries_for_client(client_id, 50).await.unwrap();
    let audited = entries
        .iter()
        .find(|e| e.entry.action == domain::AuditAction::AdminEmailSent)
        .expect("audited as ADMIN_EMAIL_SENT");
    assert_eq!(audited.entry.actor.role, domain::ActorRole::Admin);

    // The outbox file is written just before the log records SENT.
    let mut list = Value::Null;
    for _ in 0..100 {
        list = messages(&app, &admin, &format!("?client_id={client_id}&template=admin-manual"))
            .await
            .json()
            .await
            .unwrap();
        if list["items"][0]["status"] == "SENT" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["message_id"], queued["message_id"]);
    assert_eq!(list["items"][0]["status"], "SENT");
    let all: Value = messages(&app, &admin, &format!("?client_id={client_id}&per_page=2&page=1"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (all["total"].as_u64(), all["items"].as_array().unwrap().len()),
        (Some(3), 2)
    );

    let bad = messages(&app, &admin, "?status=LOST&template=nope&per_page=0&client_id=7").await;
    assert_eq!(bad.status(), 422);
    let fields: Vec<String> = bad.json::<Value>().await.unwrap()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["client_id", "template", "status", "per_page"]);
    let empty = app
        .http
        .post(&url)
        .bearer_auth(&admin)
        .json(&json!({"subject": " ", "message": "x"}))
        .send()
        .await;
    assert_eq!(empty.unwrap().status(), 422);
    let client = app.token("tenant-landlord@example.com").await;
    assert_eq!(messages(&app, &client, "").await.status(), 403);
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn portal_ready_to(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(uuid::Uuid::now_v7()),
        client_id: None,
        to: domain::Email::parse(to).unwrap(),
        content: EmailContent::PortalReady {
            recipient_name: "A".into(),
            portal_url: "https://vault.example/portal".into(),
        },
        created_at: Utc::now(),
    }
}

fn system_entry() -> domain::NewAuditEntry {
    domain::NewAuditEntry::new(
        uuid::Uuid::now_v7(),
        Utc::now(),
        domain::AuditAction::AdminEmailSent,
        domain::Actor::system(),
    )
}

/// An email recorded as sent with a provider id, as the Postmark mailer would leave it.
async fn sent_with_provider_id(app: &TestApp, provider_id: &str) -> MessageId {
    let email = portal_ready_to("bounce-me@example.com");
    app.store.queue_email(&email, &system_entry()).await.unwrap();
    let delivery = Delivery {
        provider_id: Some(provider_id.into()),
    };
    app.store.record_sent(email.id, &delivery, Utc::now()).await.unwrap();
    email.id
}

#[tokio::test]
async fn postmark_reports_update_the_log_once_and_need_the_credentials() {
    let off = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let report =
        json!({ "RecordType": "Delivery", "MessageID": "pm-1", "DeliveredAt": "2026-11-24T10:00:00.1234567Z" });
    assert_eq!(off.post_json("/api/webhook/postmark", &report).await.status(), 503);

    let settings = [
        ("POSTMARK_WEBHOOK_USERNAME", "postmark"),
        ("POSTMARK_WEBHOOK_PASSWORD", "hook-secret"),
    ];
    let app = spawn_app(Backend::Sqlite, &settings).await.unwrap();
    let id = sent_with_provider_id(&app, "pm-1").await;
    let post = |body: Value, auth: Option<String>| {
        let mut request = app
            .http
            .post(format!("{}/api/webhook/postmark", app.address))
            .json(&body);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        request.send()
    };
    for wrong in [
        None,
        Some(basic("postmark", "guess")),
        Some("Bearer hook-secret".into()),
    ] {
        let response = post(report.clone(), wrong).await.unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers().contains_key("www-authenticate"));
    }
    assert_eq!(
        app.store.get_message(id).await.unwrap().unwrap().status,
        domain::MessageStatus::Sent
    );

    let good = || Some(basic("postmark", "hook-secret"));
    let first: Value = post(report.clone(), good()).await.unwrap().json().await.unwrap();
    let again: Value = post(report.clone(), good()).await.unwrap().json().await.unwrap();
    assert_eq!(
        (first["status"].as_str(), again["status"].as_str()),
        (Some("applied"), Some("ignored"))
    );
    assert_eq!(
        app.store.get_message(id).await.unwrap().unwrap().status,
        domain::MessageStatus::Delivered
    );

    let bounce =
        json!({ "RecordType": "Bounce", "MessageID": "pm-1", "Type": "HardBounce", "Description": "mailbox gone" });
    assert_eq!(post(bounce, good()).await.unwrap().status(), 200);
    let record = app.store.get_message(id).await.unwrap().unwrap();
    assert_eq!(record.status, domain::MessageStatus::Bounced);
    assert_eq!(record.error.as_deref(), Some("HardBounce: mailbox gone"));
    let open = json!({ "RecordType": "Open", "MessageID": "pm-1" });
    let ignored: Value = post(open, good()).await.unwrap().json().await.unwrap();
    assert_eq!(ignored["status"], "ignored");
    let unknown = json!({ "RecordType": "Delivery", "MessageID": "pm-unknown" });
    assert_eq!(post(unknown, good()).await.unwrap().status(), 200);
}

async fn postmark_app(server: &MockServer, extra: &[(&str, &str)]) -> TestApp {
    let mut settings = vec![
        ("POSTMARK_SERVER_TOKEN", "pm-server-token"),
        ("POSTMARK_FROM", "Compliance Vault <vault@example.com>"),
        ("POSTMARK_API_BASE", server.uri().leak() as &str),
        ("MAIL_RETRY_DELAY_SECONDS", "0"),
    ];
    settings.extend_from_slice(extra);
    spawn_app(Backend::Sqlite, &settings).await.unwrap()
}

/// Polls the message log until the only message of `template` reaches `status`.
async fn wait_for_status(
    app: &TestApp,
    template: domain::TemplateAlias,
    status: domain::MessageStatus,
) -> ports::MessageRecord {
    let filter = ports::MessageFilter {
        template: Some(template),
        limit: 10,
        ..ports::MessageFilter::default()
    };
    for _ in 0..200 {
        let page = app.store.list_messages(&filter).await.unwrap();
        if let Some(found) = page.items.into_iter().find(|m| m.status == status) {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {template} message reached {status}");
}

#[tokio::test]
async fn through_postmark_a_reset_email_is_sent_with_its_template_and_recorded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/email/withTemplate"))
        .and(header("X-Postmark-Server-Token", "pm-server-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "MessageID": "pm-abc", "ErrorCode": 0 })))
        .mount(&server)
        .await;
    let app = postmark_app(&server, &[]).await;
    create_admin(&app, "pm-admin@example.com").await;
    assert_eq!(
        app.post_json("/api/auth/forgot-password", &json!({"email": "pm-admin@example.com"}))
            .await
            .status(),
        202
    );

    let sent = wait_for_status(&app, domain::TemplateAlias::PasswordReset, domain::MessageStatus::Sent).await;
    assert_eq!(sent.provider_id.as_deref(), Some("pm-abc"));
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["TemplateAlias"], "password-reset");
    assert_eq!(body["To"], "pm-admin@example.com");
    assert!(
        body["TemplateModel"]["reset_url"]
            .as_str()
            .unwrap()
            .starts_with("https://vault.example/reset-password?token=")
    );
    assert_eq!(body["Metadata"]["message_id"], sent.id.to_string());
    assert!(app.outbox().is_empty(), "Postmark, not the outbox");
}

#[tokio::test]
async fn a_failing_postmark_is_retried_then_failed_and_a_refusal_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let app = postmark_app(&server, &[("MAIL_MAX_ATTEMPTS", "3")]).await;
    create_admin(&app, "flaky@example.com").await;
    app.post_json("/api/auth/forgot-password", &json!({"email": "flaky@example.com"}))
        .await;
    let failed = wait_for_status(
        &app,
        domain::TemplateAlias::PasswordReset,
        domain::MessageStatus::Failed,
    )
    .await;
    assert_eq!(failed.attempts, 3);
    assert!(failed.error.unwrap().starts_with("gave up after 3 attempts"));
    server.verify().await;

    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({ "ErrorCode": 406, "Message": "inactive recipient" })),
        )
        .expect(1)
        .mount(&refusing)
        .await;
    let app = postmark_app(&refusing, &[("MAIL_MAX_ATTEMPTS", "3")]).await;
    create_admin(&app, "inactive@example.com").await;
    app.post_json("/api/auth/forgot-password", &json!({"email": "inactive@example.com"}))
        .await;
    let refused = wait_for_status(
        &app,
        domain::TemplateAlias::PasswordReset,
        domain::MessageStatus::Failed,
    )
    .await;
    assert_eq!(refused.attempts, 1, "a permanent refusal is not retried");
    assert!(refused.error.unwrap().contains("406"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    refusing.verify().await;
}

#[tokio::test]
async fn an_email_whose_change_rolled_back_is_never_written_to_the_outbox() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let entry = system_entry();
    let doomed = portal_ready_to("doomed@example.com");
    app.store
        .queue_email(&portal_ready_to("kept@example.com"), &entry)
        .await
        .unwrap();
    // The same audit entry again fails the transaction after the email row was written.
    assert!(app.store.queue_email(&doomed, &entry).await.is_err());

    let delivered = wait_for(&app, "portal-ready", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.outbox().len(), 1);
    assert_eq!(delivered[0]["to"], "kept@example.com");
    assert!(
        app.store.get_message(doomed.id).await.unwrap().is_none(),
        "no log row either"
    );
}
