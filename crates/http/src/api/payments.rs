//! Payments: Stripe's webhook (signature first, then each event once) and the operators' re-run of
//! provisioning.

use actix_web::{HttpRequest, HttpResponse, post, web};
use app::RequestContext;
use app::onboarding::{PaymentEventReport, PlanError, ProvisionError, WebhookReceiveError};
use domain::{Actor, ActorRole, ClientId};
use ports::{ProvisionOutcome, WebhookError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::auth::actor_context;
use crate::api::problem::{ApiError, Problem};
use crate::session::AdminSession;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct StripeAck {
    /// `applied`, `unchanged` (recorded; older than what was applied, or a type we do not act
    /// on) or `duplicate` (seen before).
    #[schema(example = "applied")]
    status: &'static str,
    /// For a paid checkout: `completed`, `already_done` or `failed`.
    provisioning: Option<&'static str>,
}

/// Stripe's events, verified by the `Stripe-Signature` header over the raw body before anything
/// else. Each event id is recorded once; a store failure answers 5xx so Stripe retries (a
/// redelivered paid checkout whose client is still PROVISIONING resumes provisioning).
#[utoipa::path(
    tag = "webhooks",
    request_body(content = String, content_type = "application/json", description = "A Stripe event, as Stripe sends it"),
    responses(
        (status = 200, description = "Recorded (or seen before)", body = StripeAck),
        (status = 400, description = "Missing or wrong signature, a timestamp over 300 s old, or not an event", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The webhook secret is not configured, or the database is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/webhook/stripe")]
pub async fn stripe_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let signature = req.headers().get("Stripe-Signature").and_then(|v| v.to_str().ok());
    let mut ctx: RequestContext = state.request_context(&req);
    ctx.actor = Actor {
        role: ActorRole::System,
        id: Some("stripe".into()),
    };
    let report = app::onboarding::receive_payment_webhook(state.onboarding(), &body, signature, &ctx).await?;
    state.email_queued();
    let (status, provisioning) = match report {
        PaymentEventReport::Duplicate { provisioning } => ("duplicate", provisioning),
        PaymentEventReport::Unchanged => ("unchanged", None),
        PaymentEventReport::Applied { provisioning } => ("applied", provisioning),
    };
    // The store failed mid-way: answer 5xx so Stripe delivers again, which resumes provisioning.
    if let Some(Err(ProvisionError::Store(error))) = provisioning {
        return Err(error.into());
    }
    let provisioning = provisioning.map(|p| provisioning_word(&p));
    Ok(HttpResponse::Ok().json(StripeAck { status, provisioning }))
}

fn provisioning_word(result: &Result<ProvisionOutcome, ProvisionError>) -> &'static str {
    match result {
        Ok(ProvisionOutcome::Completed { .. }) => "completed",
        Ok(ProvisionOutcome::AlreadyDone) => "already_done",
        Err(_) => "failed",
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProvisionResponse {
    /// `completed`, or `already_done` when nothing was missing.
    #[schema(example = "completed")]
    status: &'static str,
    requirements_created: u32,
    user_created: bool,
}

/// Re-run provisioning for a client: creates whatever is missing (requirements for new
/// properties, the portal user) and nothing twice. Audited with the admin as actor.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Provisioned", body = ProvisionResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The client has not paid, or its email belongs to another account", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Provisioning failed and was rolled back; the client is FAILED", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/clients/{client_id}/provision")]
pub async fn provision(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    let ctx = actor_context(&state, &req, &session.0);
    let outcome = app::onboarding::provision_client(state.onboarding(), client_id, &ctx).await?;
    state.email_queued();
    let body = match outcome {
        ProvisionOutcome::Completed {
            requirements_created,
            user_created,
        } => ProvisionResponse {
            status: "completed",
            requirements_created,
            user_created,
        },
        ProvisionOutcome::AlreadyDone => ProvisionResponse {
            status: "already_done",
            requirements_created: 0,
            user_created: false,
        },
    };
    Ok(HttpResponse::Ok().json(body))
}

impl From<WebhookReceiveError> for ApiError {
    fn from(error: WebhookReceiveError) -> Self {
        match error {
            WebhookReceiveError::NotConfigured => {
                Self::NotConfigured("the Stripe webhook is not configured (STRIPE_WEBHOOK_SECRET)")
            }
            WebhookReceiveError::Refused(WebhookError::Signature(why)) => Self::InvalidSignature(why),
            WebhookReceiveError::Refused(WebhookError::Malformed(why)) => Self::MalformedBody(why),
            WebhookReceiveError::Store(e) => e.into(),
        }
    }
}

impl From<ProvisionError> for ApiError {
    fn from(error: ProvisionError) -> Self {
        match error {
            ProvisionError::UnknownClient => Self::NotFound("no client has this id"),
            ProvisionError::Refused(PlanError::NotPaid) => Self::StateConflict {
                code: "not_paid",
                detail: "the client has not paid; provisioning follows payment",
            },
            ProvisionError::Refused(PlanError::EmailTaken) => Self::StateConflict {
                code: "email_taken",
                detail: "the client's email already belongs to another account",
            },
            ProvisionError::Failed(reason) => Self::Unexpected(anyhow::anyhow!("provisioning failed: {reason}")),
            ProvisionError::Store(e) => e.into(),
        }
    }
}
