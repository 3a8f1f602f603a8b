//! Fixtures for the Postmark tests: one email, the exact body Postmark must receive for it, and
//! a mailer pointed at a wiremock server.

// Each fixture is a test's assumption: a panic is how it says one did not hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use adapter_postmark::{PostmarkMailer, PostmarkSettings};
use chrono::{TimeZone, Utc};
use domain::{ClientId, Email, EmailContent, MessageId, OutgoingEmail};
use ports::{Mailer, SendError};
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "pm-server-token-5e1c7a9b-do-not-leak";
pub const FROM: &str = "Compliance Vault <noreply@vault.example>";
pub const MESSAGE_ID: &str = "0189f5e2-7c1a-7b3e-9d4f-1a2b3c4d5e6f";
pub const CLIENT_ID: &str = "0189f5e2-0000-7000-8000-00000000c11e";

pub fn settings(api_base: &str) -> PostmarkSettings {
    PostmarkSettings {
        api_base: api_base.to_owned(),
        timeout: Duration::from_secs(5),
        ..PostmarkSettings::new(TOKEN.into(), FROM)
    }
}

pub fn mailer(server: &MockServer) -> PostmarkMailer {
    PostmarkMailer::new(settings(&server.uri())).unwrap()
}

pub fn email(client_id: Option<&str>) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::parse_str(MESSAGE_ID).unwrap()),
        client_id: client_id.map(|id| ClientId::from_uuid(Uuid::parse_str(id).unwrap())),
        to: Email::parse("ada@landlord.example").unwrap(),
        content: EmailContent::PasswordSetup {
            recipient_name: "Ada".into(),
            setup_url: "https://vault.example/set-password?token=abc".into(),
            expires_in_minutes: 60,
        },
        created_at: Utc.with_ymd_and_hms(2025, 3, 1, 9, 30, 0).unwrap(),
    }
}

/// Exactly what Postmark must receive for `email(..)`, written out rather than derived.
pub fn expected_body(metadata: Value) -> Value {
    json!({
        "From": FROM,
        "To": "ada@landlord.example",
        "TemplateAlias": "password-setup",
        "TemplateModel": {
            "recipient_name": "Ada",
            "setup_url": "https://vault.example/set-password?token=abc",
            "expires_in_minutes": 60
        },
        "MessageStream": "outbound",
        "Tag": "password-setup",
        "Metadata": metadata
    })
}

pub fn postmark_request(body: Value) -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/email/withTemplate"))
        .and(header("Accept", "application/json"))
        .and(header("Content-Type", "application/json"))
        .and(header("X-Postmark-Server-Token", TOKEN))
        .and(body_json(body))
}

pub fn accepted(provider_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "To": "ada@landlord.example",
        "SubmittedAt": "2025-03-01T09:30:01.0000000Z",
        "MessageID": provider_id,
        "ErrorCode": 0,
        "Message": "OK"
    }))
}

/// Mounts one answer, expected exactly once, to any POST to the endpoint; returns what `send` made of it.
pub async fn error_for(answer: ResponseTemplate) -> SendError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/email/withTemplate"))
        .respond_with(answer)
        .expect(1)
        .mount(&server)
        .await;
    let error = mailer(&server).send(&email(None)).await.unwrap_err();
    server.verify().await;
    error
}

pub fn refusal(error_code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(422).set_body_json(json!({ "ErrorCode": error_code, "Message": message }))
}
