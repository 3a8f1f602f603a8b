//! `POST /api/admin/documents/{id}/verify` and `/reject`: the operator's one-way review.

use actix_web::{HttpRequest, HttpResponse, post, web};
use app::documents::{Decision, ReviewDocumentError};
use domain::{BoundedText, DocumentId, EpcRating, RequirementType};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{DocumentView, date_field};

use crate::api::auth::actor_context;
use crate::api::problem::{ApiError, FieldError, Problem};
use crate::session::AdminSession;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The requirement the document evidences, e.g. `GAS_SAFETY`.
    #[schema(example = "GAS_SAFETY")]
    requirement: String,
    /// The date of the check, inspection, assessment or issue (`YYYY-MM-DD`).
    issue_date: String,
    /// The date the document states as its end, where it states one.
    expiry_date: Option<String>,
    /// For an EPC: `A` to `G`.
    epc_rating: Option<String>,
    /// For an EPC: when a registered minimum-energy-efficiency exemption ends (`YYYY-MM-DD`).
    exemption_expiry_date: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why, in words the client will read (1 to 500 characters).
    reason: String,
}

fn choice<T: std::str::FromStr>(field: &str, raw: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    raw.trim().parse().map_err(|e: T::Err| {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            code: "invalid_choice",
            message: e.to_string(),
        }])
    })
}

/// Verify a PENDING document, confirming what it is and its dates; the property is re-evaluated.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("document_id" = uuid::Uuid, Path)),
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Verified", body = DocumentView),
        (status = 400, description = "The body is not a verification", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Reviewed already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/documents/{document_id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
    body: web::Json<VerifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let decision = Decision::Verify {
        requirement: choice::<RequirementType>("requirement", &body.requirement)?,
        issue_date: date_field("issue_date", &body.issue_date)?,
        expiry_date: body
            .expiry_date
            .as_deref()
            .map(|d| date_field("expiry_date", d))
            .transpose()?,
        epc_rating: body
            .epc_rating
            .as_deref()
            .map(|r| choice::<EpcRating>("epc_rating", r))
            .transpose()?,
        exemption_expiry_date: body
            .exemption_expiry_date
            .as_deref()
            .map(|d| date_field("exemption_expiry_date", d))
            .transpose()?,
    };
    review(&state, &req, &session, &path, decision).await
}

/// Reject a PENDING document with a reason; it no longer counts as evidence.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("document_id" = uuid::Uuid, Path)),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "Rejected", body = DocumentView),
        (status = 400, description = "The body is not a rejection", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Reviewed already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/documents/{document_id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
    body: web::Json<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = BoundedText::parse(&body.reason, 500).map_err(|e| {
        ApiError::Validation(vec![FieldError {
            field: "reason".into(),
            code: e.code(),
            message: e.to_string(),
        }])
    })?;
    let decision = Decision::Reject {
        reason: reason.as_str().to_owned(),
    };
    review(&state, &req, &session, &path, decision).await
}

async fn review(
    state: &AppState,
    req: &HttpRequest,
    session: &AdminSession,
    raw_id: &str,
    decision: Decision,
) -> Result<HttpResponse, ApiError> {
    let id: DocumentId = raw_id
        .parse()
        .map_err(|_| ApiError::NotFound("no document has this id"))?;
    let ctx = actor_context(state, req, &session.0);
    let reviewer = session.0.user.id;
    let document = app::documents::review_document(state.documents(), id, decision, reviewer, &ctx).await?;
    Ok(HttpResponse::Ok().json(DocumentView::from(document)))
}

impl From<ReviewDocumentError> for ApiError {
    fn from(error: ReviewDocumentError) -> Self {
        match error {
            ReviewDocumentError::NotFound => Self::NotFound("no document has this id"),
            ReviewDocumentError::AlreadyReviewed => Self::StateConflict {
                code: "already_reviewed",
                detail: "the document has been verified or rejected already",
            },
            ReviewDocumentError::ImpossibleFacts(facts) => Self::Validation(vec![FieldError {
                field: facts.field.into(),
                code: facts.code,
                message: facts.message.into(),
            }]),
            ReviewDocumentError::Contended => {
                Self::Unavailable(anyhow::anyhow!("the property's documents kept changing"))
            }
            ReviewDocumentError::Store(e) => e.into(),
        }
    }
}
