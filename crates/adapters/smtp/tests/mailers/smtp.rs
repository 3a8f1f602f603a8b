use std::net::TcpListener;

use adapter_smtp::{SmtpConfigError, SmtpMailer, render};
use ports::{Delivery, Mailer, SendError};

use crate::helpers::{SETUP_URL, outgoing, setup};
use crate::smtp_server::{REJECTED, TestSmtpServer, header, headers, parts};

const FROM: &str = "Compliance Vault <noreply@vault.example>";

#[tokio::test]
async fn an_email_arrives_as_text_and_html_with_its_recipient_subject_and_message_id() {
    let server = TestSmtpServer::start();
    let mailer = SmtpMailer::from_url(&server.url(), FROM).unwrap();
    let email = outgoing("ada@example.org", setup("Ada"));

    let delivery = mailer.send(&email).await.unwrap();

    assert_eq!(delivery, Delivery { provider_id: None });
    assert_eq!(mailer.name(), "smtp");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.from, "noreply@vault.example");
    assert_eq!(mail.to, ["ada@example.org"]);
    let (head, _) = mail.data.split_once("\r\n\r\n").unwrap();
    let head = headers(head);
    assert_eq!(header(&head, "to"), Some("ada@example.org"));
    assert_eq!(
        header(&head, "from"),
        Some("\"Compliance Vault\" <noreply@vault.example>")
    );
    assert_eq!(header(&head, "subject"), Some("Set up your Compliance Vault password"));
    let message_id = format!("<{}@compliance-vault>", email.id);
    assert_eq!(header(&head, "message-id"), Some(message_id.as_str()));
    assert!(
        header(&head, "content-type")
            .unwrap()
            .starts_with("multipart/alternative")
    );

    let parts = parts(&mail.data);
    let body_of = |mime: &str| {
        parts
            .iter()
            .find(|(h, _)| header(h, "content-type").is_some_and(|t| t.starts_with(mime)))
            .map(|(_, body)| body.replace("\r\n", "\n"))
            .unwrap_or_else(|| panic!("no {mime} part in\n{}", mail.data))
    };
    let rendered = render(&email.content).unwrap();
    let text = body_of("text/plain");
    assert!(text.contains(SETUP_URL), "{text}");
    assert_eq!(text.trim_end(), rendered.text_body.trim_end());
    let html = body_of("text/html");
    assert!(html.contains(r#"href="https://vault.example/set-password?token=abc123&#38;user=42""#));
    assert_eq!(html.trim_end(), rendered.html_body.trim_end());
}

#[tokio::test]
async fn a_recipient_the_relay_refuses_is_a_permanent_failure() {
    let server = TestSmtpServer::start();
    let mailer = SmtpMailer::from_url(&server.url(), FROM).unwrap();

    let result = mailer.send(&outgoing(REJECTED, setup("Ada"))).await;

    match result {
        Err(SendError::Permanent(reason)) => assert!(reason.contains("550"), "{reason}"),
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_relay_that_is_not_listening_is_a_transient_failure() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), FROM).unwrap();

    let result = mailer.send(&outgoing("ada@example.org", setup("Ada"))).await;

    assert!(matches!(result, Err(SendError::Transient(_))), "{result:?}");
}

#[test]
fn from_url_refuses_a_bad_url_or_sender_without_repeating_the_password() {
    let bad_scheme = SmtpMailer::from_url("ftp://user:s3cret@mail.example", FROM).unwrap_err();
    assert!(matches!(bad_scheme, SmtpConfigError::InvalidUrl(_)), "{bad_scheme:?}");
    assert!(!bad_scheme.to_string().contains("s3cret"), "{bad_scheme}");

    let not_a_url = SmtpMailer::from_url("mail.example:25", FROM).unwrap_err();
    assert!(matches!(not_a_url, SmtpConfigError::InvalidUrl(_)), "{not_a_url:?}");

    let bad_from = SmtpMailer::from_url("smtp://localhost:25", "not a mailbox").unwrap_err();
    assert!(matches!(bad_from, SmtpConfigError::InvalidFrom(_)), "{bad_from:?}");
}

#[test]
fn from_url_accepts_tls_urls_with_credentials_and_keeps_them_out_of_debug() {
    let mailer = SmtpMailer::from_url("smtp://user:s3cret@mail.example:587?tls=required", FROM).unwrap();
    assert!(!format!("{mailer:?}").contains("s3cret"));
    assert!(SmtpMailer::from_url("smtps://user:s3cret@mail.example", FROM).is_ok());
    assert_eq!(mailer.from_mailbox().email.to_string(), "noreply@vault.example");
}
