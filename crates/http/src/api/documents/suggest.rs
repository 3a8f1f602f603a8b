//! `GET /api/admin/documents/{id}/suggestions`: what the document's text suggests it is, for the
//! operator about to verify it. Read on request from the stored file; it never changes a status.

use actix_web::{HttpResponse, get, web};
use app::documents::Suggestions;
use domain::DocumentId;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::problem::{ApiError, Problem};
use crate::session::AdminSession;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsView {
    document_id: uuid::Uuid,
    /// False for images and PDFs without a text layer (scans): nothing to suggest from.
    text_found: bool,
    /// True when the file could not be read within the time allowed (no suggestions then).
    timed_out: bool,
    /// Each of `requirement`, `issue_date`, `expiry_date`, `epc_rating`, `gas_safe_number` as
    /// `{"value", "snippet"}` (the line it was read from), or null.
    #[schema(value_type = Object)]
    suggestions: Suggestions,
}

/// Suggestions read from a document's text: its type, dates, EPC rating and Gas Safe
/// registration number, each with the line it came from. A help to the verifying admin only.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("document_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The suggestions", body = SuggestionsView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Other files are being read; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/documents/{document_id}/suggestions")]
pub async fn suggestions(
    state: web::Data<AppState>,
    _admin: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: DocumentId = path
        .parse()
        .map_err(|_| ApiError::NotFound("no document has this id"))?;
    let found = app::documents::document_suggestions(state.documents(), id).await?;
    Ok(HttpResponse::Ok().json(SuggestionsView {
        document_id: id.as_uuid(),
        text_found: found.text_found,
        timed_out: found.timed_out,
        suggestions: found.suggestions,
    }))
}
