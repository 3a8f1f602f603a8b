//! Getting back in: `POST /api/auth/forgot-password` for users, and the operators' resend of a
//! client's setup link. Both email a link built from the configured public address.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, post, web};
use app::access::{ForgotPasswordError, ResendError};
use domain::{ClientId, Email};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::actor_context;
use crate::api::problem::{ApiError, FieldError, Problem};
use crate::session::AdminSession;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    #[schema(example = "landlord@example.com")]
    email: String,
}

/// The one answer to every well-formed forgot-password request.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    #[schema(example = "accepted")]
    status: &'static str,
    detail: &'static str,
}

const FORGOT_ACCEPTED: Accepted = Accepted {
    status: "accepted",
    detail: "If an account uses this address, an email with a link to set a new password is on its way.",
};

/// Ask for a password reset link. The answer is the same whether or not an account uses the
/// address, and nothing is sent when none does. Links last 60 minutes; at most 3 are sent to one
/// account in an hour.
#[utoipa::path(
    tag = "access",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted; a link is emailed if an account uses the address", body = Accepted),
        (status = 400, description = "The body is not a forgot-password request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The email address is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many requests waiting to be handled; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/auth/forgot-password")]
pub async fn forgot_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = Email::parse(&body.email).map_err(|e| {
        ApiError::Validation(vec![FieldError {
            field: "email".into(),
            code: "invalid_email",
            message: e.to_string(),
        }])
    })?;
    let ctx = state.request_context(&req);
    request_reset(state, email, ctx).await?;
    Ok(HttpResponse::Accepted().json(FORGOT_ACCEPTED))
}

/// Takes a reset request for `email`, answering before the address is looked up (a known
/// address must not take longer): throttled per address, then queued on the bounded background
/// set, where a full queue is 503 for every address alike. The route and the page both call it.
///
/// # Errors
/// [`ApiError::TooManyRequests`] or [`ApiError::Busy`].
pub(crate) async fn request_reset(
    state: web::Data<AppState>,
    email: Email,
    ctx: app::RequestContext,
) -> Result<(), ApiError> {
    app::access::throttle_forgot_password(state.access(), &ctx)
        .await
        .map_err(
            |ForgotPasswordError::Throttled { retry_after }| ApiError::TooManyRequests {
                retry_after_secs: retry_after.as_secs().max(1),
            },
        )?;
    // Answer now, look the address up afterwards: a known address must not take longer.
    // The work waits in a bounded queue: when it is full the answer is 503 for every address
    // alike, which says nothing about which addresses have accounts.
    let state = state.into_inner();
    let worker = Arc::clone(&state);
    state
        .background
        .spawn(async move {
            match app::access::send_password_link(worker.access(), &email, &ctx).await {
                Ok(()) => worker.email_queued(),
                Err(error) => tracing::error!(error = ?error, "sending a password link failed"),
            }
        })
        .map_err(|busy| ApiError::Busy {
            retry_after_secs: busy.retry_after.as_secs().max(1),
        })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResendResponse {
    #[schema(example = "queued")]
    status: &'static str,
}

/// Email the client's portal user a fresh password-setup link; earlier links stop working. At
/// most 3 per user in 60 minutes (shared by every server instance when Redis is configured).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = uuid::Uuid, Path)),
    responses(
        (status = 202, description = "The link is queued for sending", body = ResendResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The client is not provisioned, or its user already set a password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "3 links were sent in the last 60 minutes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/clients/{client_id}/resend-password-setup")]
pub async fn resend_password_setup(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    let ctx = actor_context(&state, &req, &session.0);
    app::access::resend_password_setup(state.access(), client_id, &ctx).await?;
    state.email_queued();
    Ok(HttpResponse::Accepted().json(ResendResponse { status: "queued" }))
}

impl From<ResendError> for ApiError {
    fn from(error: ResendError) -> Self {
        match error {
            ResendError::UnknownClient => Self::NotFound("no client has this id"),
            ResendError::NotProvisioned => Self::StateConflict {
                code: "not_provisioned",
                detail: "the client has no portal user yet; provision it first",
            },
            ResendError::PasswordAlreadySet => Self::StateConflict {
                code: "password_already_set",
                detail: "the client's user has set a password; they can use forgot-password",
            },
            ResendError::RateLimited { retry_after } => Self::TooManyRequests {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            ResendError::Failure(f) => f.into(),
        }
    }
}
