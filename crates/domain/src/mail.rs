//! Emails as the product sends them: which template, with which typed model, to whom. Rendering
//! is the mail adapters' business; here is what every adapter, the outbox and the message log
//! agree on.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::{BillingPlan, ClientId, Email, MessageId};

string_enum! {
    /// The template of an email: its alias at Postmark, in the outbox and in the message log.
    pub enum TemplateAlias {
        PasswordSetup => "password-setup",
        PasswordReset => "password-reset",
        PasswordChanged => "password-changed",
        PortalReady => "portal-ready",
        MonthlyDigest => "monthly-digest",
        AdminManual => "admin-manual",
        PaymentReceipt => "payment-receipt",
        ComplianceReminder => "compliance-reminder",
    }
}

string_enum! {
    /// Where an email is: QUEUED until a worker hands it over, then SENT or FAILED (for good);
    /// a SENT email later becomes DELIVERED or BOUNCED when the provider reports it.
    pub enum MessageStatus {
        Queued => "QUEUED",
        Sent => "SENT",
        Failed => "FAILED",
        Delivered => "DELIVERED",
        Bounced => "BOUNCED",
    }
}

/// One line of a reminder or digest: a requirement of a property, where it stands, when it falls
/// due, and the portal page to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    /// The property's address, as one line.
    pub property: String,
    /// What a landlord calls the requirement ("Gas safety record").
    pub requirement: String,
    /// The requirement's status (`EXPIRING_SOON`, `OVERDUE`, `MISSING`, ...).
    pub status: String,
    /// `None` when never evidenced.
    pub due_date: Option<NaiveDate>,
    /// Negative when overdue; `None` without a due date.
    pub days_until_due: Option<i64>,
    /// The property's page in the portal.
    pub url: String,
}

/// How many of a portfolio's requirements are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagCounts {
    pub green: u32,
    pub amber: u32,
    pub red: u32,
}

/// An email's template and its typed model. Serialised, it is `{"template_alias": ..., "model":
/// {...}}`: the outbox's shape and Postmark's `TemplateAlias`/`TemplateModel`. Every link is whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template_alias", content = "model")]
pub enum EmailContent {
    #[serde(rename = "password-setup")]
    PasswordSetup {
        recipient_name: String,
        setup_url: String,
        expires_in_minutes: u32,
    },
    #[serde(rename = "password-reset")]
    PasswordReset {
        recipient_name: String,
        reset_url: String,
        expires_in_minutes: u32,
    },
    #[serde(rename = "password-changed")]
    PasswordChanged {
        recipient_name: String,
        changed_at: DateTime<Utc>,
        /// Where to go if the change was not theirs.
        forgot_password_url: String,
    },
    #[serde(rename = "portal-ready")]
    PortalReady { recipient_name: String, portal_url: String },
    #[serde(rename = "monthly-digest")]
    MonthlyDigest {
        recipient_name: String,
        /// `YYYY-MM`.
        month: String,
        counts: RagCounts,
        due_soon: Vec<DueItem>,
        overdue: Vec<DueItem>,
        portal_url: String,
    },
    #[serde(rename = "admin-manual")]
    AdminManual {
        recipient_name: String,
        subject: String,
        message: String,
        portal_url: String,
    },
    #[serde(rename = "payment-receipt")]
    PaymentReceipt {
        recipient_name: String,
        plan: BillingPlan,
        property_count: u32,
        portal_url: String,
    },
    #[serde(rename = "compliance-reminder")]
    ComplianceReminder {
        recipient_name: String,
        items: Vec<DueItem>,
        portal_url: String,
    },
}

impl EmailContent {
    pub const fn alias(&self) -> TemplateAlias {
        match self {
            Self::PasswordSetup { .. } => TemplateAlias::PasswordSetup,
            Self::PasswordReset { .. } => TemplateAlias::PasswordReset,
            Self::PasswordChanged { .. } => TemplateAlias::PasswordChanged,
            Self::PortalReady { .. } => TemplateAlias::PortalReady,
            Self::MonthlyDigest { .. } => TemplateAlias::MonthlyDigest,
            Self::AdminManual { .. } => TemplateAlias::AdminManual,
            Self::PaymentReceipt { .. } => TemplateAlias::PaymentReceipt,
            Self::ComplianceReminder { .. } => TemplateAlias::ComplianceReminder,
        }
    }

    /// The model alone, as a JSON object (Postmark's `TemplateModel`, the log's `model` column).
    pub fn model(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut tagged)) => tagged.remove("model").unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }

    /// Rebuilds the content from a stored alias and model.
    ///
    /// # Errors
    /// When the model does not fit the template (a row written by an incompatible version).
    pub fn from_parts(alias: TemplateAlias, model: serde_json::Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "template_alias": alias.as_str(), "model": model }))
    }
}

/// An email to send: queued with the change that causes it, delivered after commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: MessageId,
    pub client_id: Option<ClientId>,
    pub to: Email,
    pub content: EmailContent,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_serialises_as_alias_and_model_and_comes_back() {
        let content = EmailContent::PasswordSetup {
            recipient_name: "Ada".into(),
            setup_url: "https://vault.example/set-password?token=abc".into(),
            expires_in_minutes: 60,
        };
        let json = serde_json::to_value(&content).unwrap();
        assert_eq!(json["template_alias"], "password-setup");
        assert_eq!(
            json["model"]["setup_url"],
            "https://vault.example/set-password?token=abc"
        );
        assert_eq!(content.model(), json["model"]);
        let back = EmailContent::from_parts(content.alias(), content.model()).unwrap();
        assert_eq!(back, content);
    }

    #[test]
    fn every_alias_names_its_content() {
        let model = serde_json::json!({ "recipient_name": "A", "portal_url": "https://x" });
        let ready = EmailContent::from_parts(TemplateAlias::PortalReady, model.clone()).unwrap();
        assert_eq!(ready.alias(), TemplateAlias::PortalReady);
        assert!(EmailContent::from_parts(TemplateAlias::PasswordSetup, model).is_err());
        assert_eq!(TemplateAlias::ALL.len(), 8);
    }
}
