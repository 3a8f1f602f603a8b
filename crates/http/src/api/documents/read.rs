//! Listing and downloading documents. Downloads stream from storage as attachments with the type
//! judged at upload, never inline.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get, web};
use app::documents::Reader;
use domain::{ClientId, Document, DocumentId};
use ports::DocumentDownload;

use super::DocumentView;
use crate::api::problem::{ApiError, Problem};
use crate::session::{AdminSession, ClientSession};
use crate::state::AppState;

const NO_DOCUMENT: ApiError = ApiError::NotFound("no document has this id");

/// Your documents, newest first.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your documents", body = [DocumentView]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a provisioned client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/client/documents")]
pub async fn client_list(state: web::Data<AppState>, session: ClientSession) -> Result<HttpResponse, ApiError> {
    list(&state, Reader::Client(session.client.id), session.client.id).await
}

/// A client's documents, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The client's documents", body = [DocumentView]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/clients/{client_id}/documents")]
pub async fn admin_list(
    state: web::Data<AppState>,
    _admin: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    list(&state, Reader::Operator, client_id).await
}

async fn list(state: &AppState, reader: Reader, client_id: ClientId) -> Result<HttpResponse, ApiError> {
    let documents = app::documents::list_documents(state.documents(), reader, client_id).await?;
    Ok(HttpResponse::Ok().json(documents.into_iter().map(DocumentView::from).collect::<Vec<_>>()))
}

/// Download one of your documents.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("document_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The file, as an attachment"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a provisioned client", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/client/documents/{document_id}/download")]
pub async fn client_download(
    state: web::Data<AppState>,
    session: ClientSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    download(&state, Reader::Client(session.client.id), &path).await
}

/// Download any document.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("document_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The file, as an attachment"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/documents/{document_id}/download")]
pub async fn admin_download(
    state: web::Data<AppState>,
    _admin: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    download(&state, Reader::Operator, &path).await
}

async fn download(state: &AppState, reader: Reader, raw_id: &str) -> Result<HttpResponse, ApiError> {
    let id: DocumentId = raw_id.parse().map_err(|_| NO_DOCUMENT)?;
    let (document, reader) = app::documents::open_document(state.documents(), reader, id).await?;
    let size = reader.size();
    let chunks = futures_util::stream::unfold(reader, |mut reader: Box<dyn DocumentDownload>| async move {
        match reader.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(web::Bytes::from(chunk)), reader)),
            Ok(None) => None,
            Err(error) => Some((Err(actix_web::error::ErrorServiceUnavailable(error)), reader)),
        }
    });
    let file_type = document.file.file_type;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(file_type.as_str())))
        .insert_header((
            header::CONTENT_DISPOSITION,
            attachment(&document, file_type.extension()),
        ))
        .insert_header((header::CONTENT_LENGTH, size))
        .streaming(chunks))
}

/// `attachment` with an ASCII fallback name and the real one percent-encoded (RFC 6266).
fn attachment(document: &Document, extension: &str) -> String {
    let name = document.file.display_name.as_str();
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let suffix = if name.to_ascii_lowercase().ends_with(&format!(".{extension}")) {
        String::new()
    } else {
        format!(".{extension}")
    };
    format!("attachment; filename=\"{ascii}{suffix}\"; filename*=UTF-8''{encoded}{suffix}")
}
