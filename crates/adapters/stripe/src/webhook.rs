//! The [`PaymentWebhook`] port over Stripe's signature and event format.

use chrono::{DateTime, Utc};
use ports::{PaymentEvent, PaymentWebhook, WebhookError};
use secrecy::{ExposeSecret, SecretString};

use crate::{TOLERANCE_SECS, parse_event, verify};

/// Stripe's webhook, checked with the endpoint's signing secret (`whsec_…`).
#[derive(Debug, Clone)]
pub struct StripeWebhook {
    secret: SecretString,
}

impl StripeWebhook {
    pub fn new(secret: SecretString) -> Self {
        Self { secret }
    }
}

impl PaymentWebhook for StripeWebhook {
    fn verify(&self, body: &[u8], signature: Option<&str>, now: DateTime<Utc>) -> Result<PaymentEvent, WebhookError> {
        verify(
            body,
            signature,
            self.secret.expose_secret(),
            now.timestamp(),
            TOLERANCE_SECS,
        )
        .map_err(|e| WebhookError::Signature(e.to_string()))?;
        parse_event(body).map_err(|e| WebhookError::Malformed(e.to_string()))
    }
}
