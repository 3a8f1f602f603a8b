//! `POST /api/webhook/postmark`: Postmark's delivery and bounce reports, behind HTTP basic
//! credentials of our choosing. Reports are applied idempotently; ones we do not track are
//! acknowledged so Postmark stops sending them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use super::delivery_event;
use crate::api::problem::{ApiError, Problem};
use crate::state::AppState;

/// The fields of a Postmark webhook report we use; Postmark sends many more.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PostmarkReport {
    /// `Delivery`, `Bounce`, `Open`, `Click`, `SpamComplaint`, ...
    #[serde(rename = "RecordType")]
    record_type: String,
    /// Postmark's id of the email, as it answered when we sent it.
    #[serde(rename = "MessageID")]
    message_id: Option<String>,
    #[serde(rename = "DeliveredAt")]
    delivered_at: Option<DateTime<Utc>>,
    #[serde(rename = "BouncedAt")]
    bounced_at: Option<DateTime<Utc>>,
    /// The bounce type, e.g. `HardBounce`.
    #[serde(rename = "Type")]
    bounce_type: Option<String>,
    #[serde(rename = "Description")]
    description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAck {
    /// `applied`, or `ignored` for a report that changes nothing (a repeat, an unknown email, a
    /// kind of report we do not track).
    #[schema(example = "applied")]
    status: &'static str,
}

/// Delivery and bounce reports from Postmark. Configure the webhook URL with the credentials
/// of `POSTMARK_WEBHOOK_USERNAME` and `POSTMARK_WEBHOOK_PASSWORD`.
#[utoipa::path(
    tag = "webhooks",
    request_body(content = PostmarkReport, content_type = "application/json"),
    responses(
        (status = 200, description = "Accepted (applied or ignored)", body = WebhookAck),
        (status = 400, description = "The body is not a Postmark report", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong credentials", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The webhook is not configured on this server", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/webhook/postmark")]
pub async fn postmark_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let Some(credentials) = &state.postmark_webhook else {
        return Err(ApiError::NotConfigured("the Postmark webhook is not configured"));
    };
    let (user, password) = &**credentials;
    if !basic_auth_matches(&req, user, password.expose_secret()) {
        return Err(ApiError::WebhookUnauthorized);
    }
    // Only an authenticated caller learns anything about the body.
    let report: PostmarkReport = serde_json::from_slice(&body)
        .map_err(|e| ApiError::MalformedBody(format!("the body is not a Postmark report: {e}")))?;
    let event = delivery_event(
        state.clock.now(),
        &report.record_type,
        report.delivered_at.or(report.bounced_at),
        report.bounce_type.map(|kind| match &report.description {
            Some(description) => format!("{kind}: {description}"),
            None => kind,
        }),
    );
    let applied = match (event, report.message_id.as_deref()) {
        (Some(event), Some(provider_id)) => app::mail::apply_provider_event(state.mail(), provider_id, &event).await?,
        _ => false,
    };
    Ok(HttpResponse::Ok().json(WebhookAck {
        status: if applied { "applied" } else { "ignored" },
    }))
}

/// Whether the request carries `Authorization: Basic` with exactly these credentials, compared in
/// constant time.
fn basic_auth_matches(req: &HttpRequest, user: &str, password: &str) -> bool {
    let Some(encoded) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{user}:{password}");
    bool::from(decoded.as_slice().ct_eq(expected.as_bytes()))
}
