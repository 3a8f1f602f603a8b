//! Postmark's JSON, as `POST /email/withTemplate` takes and answers it.

use serde::{Deserialize, Serialize};

/// The request body: one email, rendered at Postmark from the template `TemplateAlias`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TemplatedEmail<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub template_alias: &'a str,
    pub template_model: serde_json::Value,
    pub message_stream: &'a str,
    /// The template alias again, so Postmark's statistics are split by kind of email.
    pub tag: &'a str,
    pub metadata: Metadata,
}

/// Returned by Postmark with every delivery event (delivery, bounce) of the email, so an event
/// can be matched to our message log without relying on Postmark's id alone.
#[derive(Debug, Serialize)]
pub(crate) struct Metadata {
    pub message_id: String,
    /// Absent, not `null`, for emails that belong to no client (an admin's password reset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// The answer to an accepted email (`200 OK`).
#[derive(Debug, Deserialize)]
pub(crate) struct Accepted {
    #[serde(rename = "MessageID")]
    pub message_id: Option<String>,
    #[serde(rename = "ErrorCode", default)]
    pub error_code: i64,
    #[serde(rename = "Message", default)]
    pub message: String,
}

/// The answer to a refused request (`422`, and most other 4xx).
#[derive(Debug, Deserialize)]
pub(crate) struct Refusal {
    #[serde(rename = "ErrorCode")]
    pub error_code: i64,
    #[serde(rename = "Message", default)]
    pub message: String,
}
