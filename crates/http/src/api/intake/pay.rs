//! `POST /api/intake/{client_id}/checkout`: a checkout link for a client who has not paid yet
//! (the one from the intake was lost, or the payment provider was down then).

use actix_web::{HttpResponse, post, web};
use app::onboarding::CheckoutError;
use domain::ClientId;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::problem::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutLink {
    /// Where to pay (Stripe Checkout).
    checkout_url: String,
}

/// A checkout link for an intake that has not been paid for. Asking again gives the same
/// checkout while it is open.
#[utoipa::path(
    tag = "onboarding",
    params(("client_id" = uuid::Uuid, Path, description = "The id returned by the intake")),
    responses(
        (status = 200, description = "Where to pay", body = CheckoutLink),
        (status = 404, description = "No such intake", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already paid", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Payments are not configured, or the provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/intake/{client_id}/checkout")]
pub async fn checkout(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no intake has this id"))?;
    let session = app::onboarding::checkout_for(state.onboarding(), client_id).await?;
    Ok(HttpResponse::Ok().json(CheckoutLink {
        checkout_url: session.url,
    }))
}

impl From<CheckoutError> for ApiError {
    fn from(error: CheckoutError) -> Self {
        match error {
            CheckoutError::UnknownClient => Self::NotFound("no intake has this id"),
            CheckoutError::AlreadyPaid => Self::StateConflict {
                code: "already_paid",
                detail: "this intake has been paid for",
            },
            CheckoutError::NotConfigured => Self::NotConfigured("payments are not configured (STRIPE_API_KEY)"),
            CheckoutError::Payment(e) => Self::Unavailable(e.into()),
            CheckoutError::Store(e) => e.into(),
        }
    }
}
