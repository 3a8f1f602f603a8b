//! The SMTP mailer: renders each email and hands it to a relay with lettre, one connection per
//! email. It must never report a refusal that a retry could cure as permanent, nor put the
//! relay's credentials in an error or a log line.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use domain::OutgoingEmail;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use ports::{Delivery, Mailer, SendError};

use crate::render::render;

/// How long one SMTP command (connecting included) may take before the attempt is abandoned.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// SMTP reply codes about the client's authentication, not the email: 5xx, yet a retry succeeds
/// once the operator fixes the credentials, so the email must stay queued.
const AUTH_CODES: [u16; 4] = [530, 534, 535, 538];

/// Sends emails through an SMTP relay as `multipart/alternative` (text and HTML), each with a
/// `Message-ID` of `<{message id}@compliance-vault>`.
#[derive(Debug, Clone)]
pub struct SmtpMailer {
    // lettre's `Debug` for the transport hides the credentials.
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why the SMTP mailer could not be configured. The messages never repeat the URL, which may
/// hold a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpConfigError {
    /// The connection URL is not a usable `smtp://` or `smtps://` URL.
    InvalidUrl(String),
    /// The sender is not a mailbox such as `Compliance Vault <noreply@example.org>`.
    InvalidFrom(String),
}

impl fmt::Display for SmtpConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl(reason) => write!(f, "invalid SMTP URL: {reason}"),
            Self::InvalidFrom(reason) => write!(f, "invalid sender mailbox: {reason}"),
        }
    }
}

impl std::error::Error for SmtpConfigError {}

impl SmtpMailer {
    /// A mailer for the relay at `url` (`smtps://user:pass@host:465`,
    /// `smtp://user:pass@host:587?tls=required`, `smtp://localhost:1025` for a local catcher),
    /// sending as `from`.
    ///
    /// # Errors
    /// [`SmtpConfigError`] when the URL or the sender does not parse.
    pub fn from_url(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SmtpConfigError::InvalidUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| SmtpConfigError::InvalidFrom(e.to_string()))?;
        Ok(Self { transport, from })
    }

    /// The sender every email is sent as.
    pub fn from_mailbox(&self) -> &Mailbox {
        &self.from
    }

    fn message(&self, email: &OutgoingEmail) -> Result<Message, SendError> {
        let to = email
            .to
            .as_str()
            .parse::<Address>()
            .map_err(|e| SendError::Permanent(format!("smtp: recipient is not a valid address: {e}")))?;
        let rendered =
            render(&email.content).map_err(|e| SendError::Permanent(format!("smtp: rendering the email: {e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(rendered.subject)
            .message_id(Some(format!("<{}@compliance-vault>", email.id)))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text_body,
                rendered.html_body,
            ))
            .map_err(|e| SendError::Permanent(format!("smtp: cannot build email {}: {e}", email.id)))
    }
}

/// A 5xx reply is permanent unless it is about authentication; everything else (4xx replies,
/// timeouts, refused connections, TLS and protocol trouble) may pass, so it is transient.
fn classify(error: &SmtpError) -> SendError {
    let about_auth = error.status().is_some_and(|code| AUTH_CODES.contains(&u16::from(code)));
    if error.is_permanent() && !about_auth {
        SendError::Permanent(format!("smtp: {error}"))
    } else {
        SendError::Transient(format!("smtp: {error}"))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<Delivery, SendError> {
        let message = self.message(email)?;
        self.transport.send(message).await.map_err(|e| classify(&e))?;
        Ok(Delivery { provider_id: None })
    }
}
