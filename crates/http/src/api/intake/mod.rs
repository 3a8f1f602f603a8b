//! `POST /api/intake/submit` and `GET /api/intake/{client_id}/status`.

mod fields;
mod form;
mod pay;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use domain::{ClientId, OnboardingStatus, SubscriptionStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use self::pay::checkout;
use super::problem::{ApiError, Problem};
use crate::state::AppState;
pub use form::parse_intake;

/// The largest intake body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// An intake as submitted (this schema documents the body; parsing reports every bad field).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IntakeRequest {
    #[schema(min_length = 1, max_length = 200, example = "Test Client")]
    full_name: String,
    #[schema(max_length = 254, example = "test@example.com")]
    email: String,
    #[schema(inline)]
    client_type: ClientTypeSchema,
    /// Required for COMPANY and LETTING_AGENT.
    #[schema(min_length = 1, max_length = 200)]
    company_name: Option<String>,
    /// 7 to 15 digits; spaces, `+`, `-` and brackets are allowed between them.
    #[schema(max_length = 32, pattern = r"^\+?[0-9]{7,15}$", example = "+442079460000")]
    phone: Option<String>,
    #[schema(inline)]
    preferred_contact: PreferredContactSchema,
    #[schema(inline)]
    billing_plan: BillingPlanSchema,
    /// PLAN_1: exactly 1; PLAN_2_5: 2 to 5; PLAN_6_15: 6 to 15.
    #[schema(min_items = 1, max_items = 15)]
    properties: Vec<PropertyRequest>,
    /// Must be true: the service cannot be provided without processing the client's data.
    #[schema(schema_with = must_be_true)]
    consent_data_processing: bool,
    #[schema(default = false)]
    consent_communications: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PropertyRequest {
    #[schema(min_length = 1, max_length = 200)]
    address_line_1: String,
    #[schema(max_length = 200)]
    address_line_2: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    city: String,
    /// A UK postcode in any case; stored as `SW1A 1AA`. The pattern is the format `domain`
    /// checks (which also accepts `GIR 0AA` and any spacing).
    #[schema(
        example = "SW1A 1AA",
        pattern = "^[A-PR-UWYZa-pr-uwyz][A-HK-Ya-hk-y]?[0-9][0-9A-Za-z]? ?[0-9][ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}$"
    )]
    postcode: String,
    #[schema(inline, default = "ENGLAND")]
    nation: Option<NationSchema>,
    #[schema(default = true)]
    has_gas_supply: Option<bool>,
    #[schema(default = false)]
    is_hmo: Option<bool>,
    #[schema(default = false)]
    has_communal_areas: Option<bool>,
    /// The start of the current tenancy, if the property is let.
    tenancy_start_date: Option<NaiveDate>,
}

fn must_be_true() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Boolean)
        .enum_values(Some([true]))
        .description(Some("Must be true."))
        .build()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ClientTypeSchema {
    Individual,
    Company,
    LettingAgent,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum PreferredContactSchema {
    Email,
    Sms,
    Phone,
}
#[derive(Debug, Deserialize, ToSchema)]
enum BillingPlanSchema {
    #[serde(rename = "PLAN_1")]
    Plan1,
    #[serde(rename = "PLAN_2_5")]
    Plan2To5,
    #[serde(rename = "PLAN_6_15")]
    Plan6To15,
}
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum NationSchema {
    England,
    Wales,
    Scotland,
}

/// An accepted intake.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeCreated {
    pub client_id: Uuid,
    #[schema(value_type = String, example = "INTAKE_PENDING")]
    pub onboarding_status: OnboardingStatus,
    /// Where to pay (Stripe Checkout); null when payments are not configured or the payment
    /// provider could not be reached.
    pub checkout_url: Option<String>,
}

/// Where an intake stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeStatusResponse {
    pub client_id: Uuid,
    #[schema(value_type = String, example = "INTAKE_PENDING")]
    pub onboarding_status: OnboardingStatus,
    #[schema(value_type = String, example = "PENDING")]
    pub subscription_status: SubscriptionStatus,
    pub next_step: NextStepResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NextStepResponse {
    #[schema(example = "COMPLETE_PAYMENT")]
    pub code: &'static str,
    pub message: &'static str,
}

/// Submit an intake: the client, its plan and its properties.
#[utoipa::path(
    tag = "onboarding",
    request_body(content = IntakeRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Accepted", body = IntakeCreated),
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already registered", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, every one listed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "More than the allowed intakes from this address in a minute", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/intake/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let intake = parse_intake(&body).map_err(ApiError::Validation)?;
    let (email, plan) = (intake.client.email.clone(), intake.client.billing_plan);
    let ctx = state.request_context(&req);
    let receipt = app::onboarding::submit_intake(state.onboarding(), intake, &ctx).await?;
    let offered = app::onboarding::offer_checkout(state.onboarding(), receipt.client_id, &email, plan).await;
    let checkout_url = offered.map(|session| session.url);
    Ok(HttpResponse::Created().json(IntakeCreated {
        client_id: receipt.client_id.as_uuid(),
        onboarding_status: receipt.onboarding_status,
        checkout_url,
    }))
}

/// Where an intake stands and what the client should do next.
#[utoipa::path(
    tag = "onboarding",
    params(("client_id" = Uuid, Path, description = "The id returned by the intake")),
    responses(
        (status = 200, description = "The intake's status", body = IntakeStatusResponse),
        (status = 404, description = "No such intake", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/intake/{client_id}/status")]
pub async fn status(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    const NOT_FOUND: ApiError = ApiError::NotFound("no intake has this id");
    let id: ClientId = path.parse().map_err(|_| NOT_FOUND)?;
    let status = app::onboarding::intake_status(state.onboarding(), id)
        .await?
        .ok_or(NOT_FOUND)?;
    Ok(HttpResponse::Ok().json(IntakeStatusResponse {
        client_id: status.client_id.as_uuid(),
        onboarding_status: status.onboarding_status,
        subscription_status: status.subscription_status,
        next_step: NextStepResponse {
            code: status.next_step.code(),
            message: status.next_step.message(),
        },
    }))
}

impl From<app::onboarding::SubmitIntakeError> for ApiError {
    fn from(error: app::onboarding::SubmitIntakeError) -> Self {
        use app::onboarding::SubmitIntakeError as E;
        match error {
            E::DuplicateEmail => Self::Conflict("a client with this email is already registered"),
            E::RateLimited { retry_after } => Self::TooManyRequests {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            E::Store(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod schema_tests;
