//! The Postmark mailer against a real HTTP server (wiremock) standing in for Postmark.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use adapter_postmark::{PostmarkConfigError, PostmarkMailer, PostmarkSettings};
use common::{
    CLIENT_ID, FROM, MESSAGE_ID, TOKEN, accepted, email, error_for, expected_body, mailer, postmark_request, refusal,
    settings,
};
use ports::{Mailer, SendError};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn sends_the_templated_email_with_its_client_and_returns_postmark_message_id() {
    let server = MockServer::start().await;
    let metadata = json!({ "message_id": MESSAGE_ID, "client_id": CLIENT_ID });
    postmark_request(expected_body(metadata))
        .respond_with(accepted("b7bc2f4a-e38e-4336-af7d-e6c392c2f817"))
        .expect(1)
        .mount(&server)
        .await;

    let mailer = mailer(&server);
    let delivery = mailer.send(&email(Some(CLIENT_ID))).await.unwrap();

    assert_eq!(
        delivery.provider_id.as_deref(),
        Some("b7bc2f4a-e38e-4336-af7d-e6c392c2f817")
    );
    assert_eq!(mailer.name(), "postmark");
}

#[tokio::test]
async fn an_email_without_a_client_has_no_client_id_in_its_metadata() {
    let server = MockServer::start().await;
    postmark_request(expected_body(json!({ "message_id": MESSAGE_ID })))
        .respond_with(accepted("pm-2"))
        .expect(1)
        .mount(&server)
        .await;
    // A trailing slash on the base must not double up in the path.
    let mailer = PostmarkMailer::new(settings(&format!("{}/", server.uri()))).unwrap();

    let delivery = mailer.send(&email(None)).await.unwrap();

    assert_eq!(delivery.provider_id.as_deref(), Some("pm-2"));
    let received = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert!(body["Metadata"].get("client_id").is_none(), "{body}");
}

#[tokio::test]
async fn an_invalid_email_request_error_300_is_permanent() {
    let error = error_for(refusal(300, "Invalid 'To' address: 'ada@landlord.example'.")).await;
    let SendError::Permanent(message) = error else {
        panic!("expected permanent, got {error:?}")
    };
    assert!(message.contains("ErrorCode 300"), "{message}");
    assert!(message.contains("Invalid 'To' address"), "{message}");
}

#[tokio::test]
async fn an_inactive_recipient_error_406_is_permanent() {
    let error = error_for(refusal(
        406,
        "You tried to send to recipient(s) that have been marked as inactive.",
    ))
    .await;
    let SendError::Permanent(message) = error else {
        panic!("expected permanent, got {error:?}")
    };
    assert!(message.contains("ErrorCode 406"), "{message}");
    assert!(message.contains("marked as inactive"), "{message}");
}

#[tokio::test]
async fn rate_limiting_is_transient() {
    let error = error_for(ResponseTemplate::new(429)).await;
    assert!(
        matches!(&error, SendError::Transient(m) if m.contains("429")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let error = error_for(ResponseTemplate::new(500).set_body_string("<html>oops</html>")).await;
    assert!(
        matches!(&error, SendError::Transient(m) if m.contains("500")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refused_server_token_is_transient_so_queued_email_survives_the_fix() {
    let body = json!({ "ErrorCode": 10, "Message": "The Server Token you provided in the X-Postmark-Server-Token request header was invalid." });
    let error = error_for(ResponseTemplate::new(401).set_body_json(body)).await;
    assert!(
        matches!(&error, SendError::Transient(m) if m.contains("server token refused")),
        "{error:?}"
    );
}

#[tokio::test]
async fn another_client_error_is_permanent() {
    let error = error_for(ResponseTemplate::new(413)).await;
    assert!(
        matches!(&error, SendError::Permanent(m) if m.contains("413")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_slow_server_times_out_as_a_transient_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(accepted("too-late").set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mailer = PostmarkMailer::new(PostmarkSettings {
        timeout: Duration::from_millis(300),
        ..settings(&server.uri())
    })
    .unwrap();

    let started = Instant::now();
    let error = mailer.send(&email(None)).await.unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(
        matches!(&error, SendError::Transient(m) if m.contains("timed out")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_transient() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mailer = PostmarkMailer::new(settings(&format!("http://{closed}"))).unwrap();

    let error = mailer.send(&email(None)).await.unwrap_err();

    assert!(
        matches!(&error, SendError::Transient(m) if m.contains("could not connect")),
        "{error:?}"
    );
    assert!(!error.to_string().contains(&closed.to_string()), "{error}");
}

#[tokio::test]
async fn the_token_never_appears_in_debug_output_or_errors() {
    let server = MockServer::start().await;
    let mailer = mailer(&server);
    assert!(!format!("{mailer:?}").contains(TOKEN));
    assert!(!format!("{:?}", settings(&server.uri())).contains(TOKEN));

    // Even a server that echoes the token back (in a 200 too) must not get it into our errors.
    let echo = json!({ "ErrorCode": 300, "Message": format!("bad token {TOKEN}") });
    let mut errors = Vec::new();
    for status in [401, 422, 400, 429, 500, 200] {
        let answer = ResponseTemplate::new(status).set_body_json(&echo);
        server.reset().await;
        Mock::given(method("POST")).respond_with(answer).mount(&server).await;
        errors.push(mailer.send(&email(None)).await.unwrap_err());
    }
    for error in &errors {
        assert!(!error.to_string().contains(TOKEN), "{error}");
        assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
    }
}

#[test]
fn malformed_settings_are_refused_without_naming_the_token() {
    let bad_token = format!("{TOKEN}\n");
    let cases = [
        (
            PostmarkSettings::new("  ".into(), FROM),
            PostmarkConfigError::InvalidToken,
        ),
        (
            PostmarkSettings::new(format!("{bad_token}x").into(), FROM),
            PostmarkConfigError::InvalidToken,
        ),
        (
            PostmarkSettings::new(TOKEN.into(), " "),
            PostmarkConfigError::MissingFrom,
        ),
        (
            PostmarkSettings {
                timeout: Duration::ZERO,
                ..settings("http://localhost")
            },
            PostmarkConfigError::ZeroTimeout,
        ),
    ];
    for (settings, expected) in cases {
        let error = PostmarkMailer::new(settings).unwrap_err();
        assert_eq!(error, expected);
        assert!(!error.to_string().contains(TOKEN));
    }
    for base in ["not a url", "ftp://api.postmarkapp.com"] {
        let error = PostmarkMailer::new(settings(base)).unwrap_err();
        assert!(
            matches!(error, PostmarkConfigError::InvalidApiBase(_)),
            "{base}: {error:?}"
        );
    }
    assert!(PostmarkMailer::new(settings(adapter_postmark::DEFAULT_API_BASE)).is_ok());
}
