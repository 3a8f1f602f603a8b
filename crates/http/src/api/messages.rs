//! Email from the operators' side: the message log, writing to a client by hand, and Postmark's
//! delivery and bounce reports.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use app::mail::{ManualEmail, ManualEmailError};
use chrono::{DateTime, Utc};
use domain::{BoundedText, ClientId, MessageStatus, MultilineText, TemplateAlias};
use ports::{DeliveryEvent, MessageFilter, MessageRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::auth::actor_context;
use crate::api::problem::{ApiError, FieldError, Problem};
use crate::session::AdminSession;
use crate::state::AppState;

mod webhook;

pub use webhook::postmark_webhook;

const MAX_PER_PAGE: u32 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// Only this client's messages.
    client_id: Option<String>,
    /// A template alias, e.g. `password-setup`.
    template: Option<String>,
    /// QUEUED, SENT, FAILED, DELIVERED or BOUNCED.
    status: Option<String>,
    /// From 1.
    page: Option<u32>,
    /// 1 to 200; 50 when absent.
    per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    message_id: Uuid,
    client_id: Option<Uuid>,
    #[schema(example = "password-setup")]
    template: String,
    recipient: String,
    #[schema(example = "SENT")]
    status: String,
    attempts: u32,
    provider_id: Option<String>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<MessageRecord> for MessageView {
    fn from(m: MessageRecord) -> Self {
        Self {
            message_id: m.id.as_uuid(),
            client_id: m.client_id.map(|c| c.as_uuid()),
            template: m.template.to_string(),
            recipient: m.recipient.to_string(),
            status: m.status.to_string(),
            attempts: m.attempts,
            provider_id: m.provider_id,
            error: m.error,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageList {
    items: Vec<MessageView>,
    page: u32,
    per_page: u32,
    /// Messages matching the filter in all.
    total: u64,
}

fn field_error(field: &str, code: &'static str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        code,
        message,
    }
}

/// Parses the query, reporting every bad parameter at once.
fn parse_filter(query: &MessageQuery) -> Result<(MessageFilter, u32, u32), ApiError> {
    let mut errors = Vec::new();
    let client_id = query.client_id.as_deref().and_then(|v| {
        v.trim()
            .parse::<ClientId>()
            .map_err(|_| {
                errors.push(field_error(
                    "client_id",
                    "invalid_id",
                    "not a client id (a UUID)".into(),
                ))
            })
            .ok()
    });
    let template = query.template.as_deref().and_then(|v| {
        v.parse::<TemplateAlias>()
            .map_err(|e| errors.push(field_error("template", "invalid_choice", e.to_string())))
            .ok()
    });
    let status = query.status.as_deref().and_then(|v| {
        v.parse::<MessageStatus>()
            .map_err(|e| errors.push(field_error("status", "invalid_choice", e.to_string())))
            .ok()
    });
    let page = query.page.unwrap_or(1);
    if page == 0 {
        errors.push(field_error("page", "out_of_range", "pages count from 1".into()));
    }
    let per_page = query.per_page.unwrap_or(50);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        errors.push(field_error(
            "per_page",
            "out_of_range",
            format!("between 1 and {MAX_PER_PAGE}"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let filter = MessageFilter {
        client_id,
        template,
        status,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    Ok((filter, page, per_page))
}

/// The message log, newest first: every email with its template, recipient and fate.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(MessageQuery),
    responses(
        (status = 200, description = "One page of messages", body = MessageList),
        (status = 400, description = "`page` or `per_page` is not a whole number that fits (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter or page parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    _admin: AdminSession,
    query: web::Query<MessageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page, per_page) = parse_filter(&query)?;
    let found = app::mail::list_messages(state.mail(), &filter).await?;
    Ok(HttpResponse::Ok().json(MessageList {
        items: found.items.into_iter().map(MessageView::from).collect(),
        page,
        per_page,
        total: found.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualEmailRequest {
    #[schema(min_length = 1, max_length = 200)]
    subject: String,
    #[schema(min_length = 1, max_length = 10000)]
    message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedMessage {
    message_id: Uuid,
    #[schema(example = "QUEUED")]
    status: &'static str,
}

/// Email a client (the `admin-manual` template), audited as ADMIN_EMAIL_SENT with the admin.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path)),
    request_body = ManualEmailRequest,
    responses(
        (status = 202, description = "Queued for sending", body = QueuedMessage),
        (status = 400, description = "The body is not an email request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The subject or message is empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/clients/{client_id}/email")]
pub async fn email_client(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
    body: web::Json<ManualEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    let mut errors = Vec::new();
    let subject = BoundedText::parse(&body.subject, 200)
        .map_err(|e| errors.push(field_error("subject", e.code(), e.to_string())))
        .ok();
    let message = MultilineText::parse(&body.message, 10_000)
        .map_err(|e| errors.push(field_error("message", e.code(), e.to_string())))
        .ok();
    let (Some(subject), Some(message)) = (subject, message) else {
        return Err(ApiError::Validation(errors));
    };
    let ctx = actor_context(&state, &req, &session.0);
    let email = ManualEmail { subject, message };
    let id = app::mail::send_manual_email(state.mail(), client_id, email, &ctx).await?;
    state.email_queued();
    Ok(HttpResponse::Accepted().json(QueuedMessage {
        message_id: id.as_uuid(),
        status: "QUEUED",
    }))
}

/// Turns a Postmark report into the event it records, if it is one we track.
fn delivery_event(
    now: DateTime<Utc>,
    record_type: &str,
    at: Option<DateTime<Utc>>,
    reason: Option<String>,
) -> Option<DeliveryEvent> {
    let at = at.unwrap_or(now);
    match record_type {
        "Delivery" => Some(DeliveryEvent::Delivered { at }),
        "Bounce" => Some(DeliveryEvent::Bounced {
            at,
            reason: reason.unwrap_or_else(|| "bounced".into()),
        }),
        _ => None,
    }
}

impl From<ManualEmailError> for ApiError {
    fn from(error: ManualEmailError) -> Self {
        match error {
            ManualEmailError::UnknownClient => Self::NotFound("no client has this id"),
            ManualEmailError::Store(e) => e.into(),
        }
    }
}
