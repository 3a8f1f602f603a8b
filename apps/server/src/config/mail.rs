//! Email settings: which mailer sends (Postmark, SMTP, or the outbox), how delivery is paced, and
//! the credentials Postmark's webhook must present.

use std::path::Path;
use std::time::Duration;

use secrecy::SecretString;

use super::{ConfigError, invalid};

/// How email leaves the building.
#[derive(Debug, Clone)]
pub enum MailTransport {
    Postmark {
        server_token: SecretString,
        from: String,
        api_base: String,
        message_stream: String,
    },
    /// `SMTP_URL` may hold credentials, so it is a secret.
    Smtp { url: SecretString, from: String },
    /// One JSON file per email under `<DATA_DIR>/outbox/`: the embedded default.
    Outbox,
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// How often the delivery worker looks for due email when nothing wakes it.
    pub poll_interval: Duration,
    pub policy: app::mail::DeliveryPolicy,
    /// HTTP basic credentials Postmark's webhook must send; unset, the webhook answers 503.
    pub webhook_credentials: Option<(String, SecretString)>,
}

impl MailSettings {
    pub(super) fn from_lookup(
        var: &impl Fn(&str) -> Option<String>,
        number: &impl Fn(&'static str, u32) -> Result<u32, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let transport = match (var("POSTMARK_SERVER_TOKEN"), var("SMTP_URL")) {
            (Some(token), _) => MailTransport::Postmark {
                server_token: SecretString::from(token),
                from: var("POSTMARK_FROM").ok_or_else(|| {
                    invalid(
                        "POSTMARK_FROM",
                        "the sender address is required with POSTMARK_SERVER_TOKEN",
                    )
                })?,
                api_base: var("POSTMARK_API_BASE").unwrap_or_else(|| "https://api.postmarkapp.com".into()),
                message_stream: var("POSTMARK_MESSAGE_STREAM").unwrap_or_else(|| "outbound".into()),
            },
            (None, Some(url)) => MailTransport::Smtp {
                url: SecretString::from(url),
                from: var("SMTP_FROM").unwrap_or_else(|| "Compliance Vault <no-reply@localhost>".into()),
            },
            (None, None) => MailTransport::Outbox,
        };
        let webhook_credentials = match (var("POSTMARK_WEBHOOK_USERNAME"), var("POSTMARK_WEBHOOK_PASSWORD")) {
            (Some(user), Some(password)) => Some((user, SecretString::from(password))),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    "POSTMARK_WEBHOOK_PASSWORD",
                    "set both POSTMARK_WEBHOOK_USERNAME and POSTMARK_WEBHOOK_PASSWORD, or neither",
                ));
            }
        };
        let policy = app::mail::DeliveryPolicy {
            max_attempts: number("MAIL_MAX_ATTEMPTS", 6)?.max(1),
            first_retry_delay: Duration::from_secs(number("MAIL_RETRY_DELAY_SECONDS", 30)?.into()),
            lease: Duration::from_secs(number("MAIL_LEASE_SECONDS", 120)?.max(1).into()),
            ..app::mail::DeliveryPolicy::default()
        };
        Ok(Self {
            transport,
            poll_interval: Duration::from_millis(number("MAIL_POLL_INTERVAL_MS", 1000)?.max(10).into()),
            policy,
            webhook_credentials,
        })
    }

    /// The outbox directory, whichever transport is configured (the outbox is used only by its own).
    pub fn outbox_dir(data_dir: &Path) -> std::path::PathBuf {
        data_dir.join("outbox")
    }

    pub fn transport_name(&self) -> &'static str {
        match self.transport {
            MailTransport::Postmark { .. } => "postmark",
            MailTransport::Smtp { .. } => "smtp",
            MailTransport::Outbox => "outbox",
        }
    }
}
