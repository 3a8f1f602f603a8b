//! `GET /api/admin/documents/{id}/suggestions`: what the document's text suggests it is, for the
//! operator about to verify it. Read on request from the stored file; it never changes a status.

use actix_web::{HttpResponse, get, web};
use app::documents::{Suggestions, suggest};
use domain::DocumentId;
use ports::StorageKey;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extraction::Extracted;
use crate::http::auth::session::AdminSession;
use crate::http::problem::{ApiError, Problem};
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
    const NO_DOCUMENT: ApiError = ApiError::NotFound("no document has this id");
    let id: DocumentId = path.parse().map_err(|_| NO_DOCUMENT)?;
    let document = state.store.get_document(id).await?.ok_or(NO_DOCUMENT)?;
    if document.file.file_type != domain::FileType::Pdf {
        // Only PDFs carry text we read; an image is not even opened.
        return Ok(HttpResponse::Ok().json(SuggestionsView {
            document_id: id.as_uuid(),
            text_found: false,
            timed_out: false,
            suggestions: Suggestions::default(),
        }));
    }
    let key = StorageKey::parse(&document.file.key).map_err(|e| ApiError::Unexpected(e.into()))?;
    let mut reader = state
        .documents
        .open(&key)
        .await
        .map_err(|e| ApiError::Unavailable(e.into()))?;
    let mut bytes = Vec::new();
    while let Some(chunk) = reader.next_chunk().await.map_err(super::storage_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > state.upload_limits.max_bytes {
            break;
        }
    }
    let read = state
        .extraction
        .text_of(document.file.file_type, bytes)
        .await
        .map_err(|busy| ApiError::Busy {
            retry_after_secs: busy.retry_after.as_secs().max(1),
        })?;
    let (text, timed_out) = match read {
        Extracted::Text(text) => (text, false),
        Extracted::TimedOut => (None, true),
    };
    Ok(HttpResponse::Ok().json(SuggestionsView {
        document_id: id.as_uuid(),
        text_found: text.is_some(),
        timed_out,
        suggestions: text.as_deref().map(suggest).unwrap_or_default(),
    }))
}
