//! `POST /api/client/documents` and `POST /api/admin/clients/{client_id}/documents`: multipart
//! with the text fields first, then `file`, which streams to storage as it arrives.

use actix_multipart::{Field, Multipart};
use actix_web::{HttpRequest, HttpResponse, post, web};
use app::documents::{NewUpload, UploadError};
use domain::{ClientId, DisplayName, FileTypeError, PropertyId, StatedFacts, UserId};
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;
use utoipa::ToSchema;

use super::date_field;

use crate::api::auth::actor_context;
use crate::api::problem::{ApiError, FieldError, Problem};
use crate::session::{AdminSession, ClientSession};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    document_id: uuid::Uuid,
    #[schema(example = "PENDING")]
    status: &'static str,
}

/// Upload evidence for one of your properties: multipart fields `property_id` (required),
/// `requirement`, `issue_date`, `expiry_date`, `epc_rating` (optional, as you read them), then
/// `file` (PDF, JPEG or PNG, judged by its content; at most `MAX_UPLOAD_BYTES`, 20 MB by default).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    request_body(content = String, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored, PENDING review", body = Uploaded),
        (status = 400, description = "Not a multipart body, or the upload was cut short", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a provisioned client", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such property of yours", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is too large, or the client's storage quota would be passed (`quota_exceeded`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, JPEG or PNG", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, invalid or repeated, or the file is empty", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many uploads by this user in an hour", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/client/documents")]
pub async fn client_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: ClientSession,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let ctx = actor_context(&state, &req, &session.session);
    let document = upload(
        &state,
        session.client.id,
        Some(session.session.user.id),
        None,
        body,
        &ctx,
    )
    .await?;
    Ok(created(&document))
}

fn created(document: &domain::Document) -> HttpResponse {
    HttpResponse::Created().json(Uploaded {
        document_id: document.id.as_uuid(),
        status: "PENDING",
    })
}

/// Upload evidence on a client's behalf (the same fields as the client's upload).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = uuid::Uuid, Path)),
    request_body(content = String, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored, PENDING review", body = Uploaded),
        (status = 400, description = "Not a multipart body, or the upload was cut short", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client or property", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is too large, or the client's storage quota would be passed (`quota_exceeded`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, JPEG or PNG", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, invalid or repeated, or the file is empty", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many uploads by this user in an hour", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/clients/{client_id}/documents")]
pub async fn admin_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    let ctx = actor_context(&state, &req, &session.0);
    let document = upload(&state, client_id, Some(session.0.user.id), None, body, &ctx).await?;
    Ok(created(&document))
}

/// The small fields, read in full: each at most [`MAX_FIELD_BYTES`], each once, and all of them
/// together at most [`MAX_FIELDS_BYTES`], so no body of small fields can hold a request forever.
#[derive(Default)]
struct Fields {
    property_id: Option<String>,
    stated: StatedFacts,
    seen: Vec<String>,
    bytes: usize,
}

const MAX_FIELD_BYTES: usize = 200;
const MAX_FIELDS_BYTES: usize = 512;

/// Reads an upload's fields, then streams its file to storage. `property_id` comes from the
/// page's address when the portal's form posts it, and is then not a field of the body.
pub(crate) async fn upload(
    state: &AppState,
    client_id: ClientId,
    uploaded_by: Option<UserId>,
    property_id: Option<PropertyId>,
    mut body: Multipart,
    ctx: &app::RequestContext,
) -> Result<domain::Document, ApiError> {
    let mut fields = Fields {
        property_id: property_id.map(|p| p.to_string()),
        ..Fields::default()
    };
    if property_id.is_some() {
        fields.seen.push("property_id".to_owned());
    }
    while let Some(field) = body
        .try_next()
        .await
        .map_err(|e| ApiError::MalformedBody(e.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            return store_file(state, client_id, uploaded_by, fields, field, ctx).await;
        }
        if !["property_id", "requirement", "issue_date", "expiry_date", "epc_rating"].contains(&name.as_str()) {
            return Err(invalid(&name, "unknown_field", "is not a field of an upload".into()));
        }
        if fields.seen.contains(&name) {
            return Err(invalid(&name, "duplicate_field", "is sent more than once".into()));
        }
        let value = text(field, &mut fields.bytes).await?;
        fields.seen.push(name.clone());
        // A form's optional field left blank says nothing.
        if value.trim().is_empty() && name != "property_id" {
            continue;
        }
        match name.as_str() {
            "property_id" => fields.property_id = Some(value),
            "requirement" => fields.stated.requirement = Some(parsed("requirement", &value)?),
            "issue_date" => fields.stated.issue_date = Some(date_field("issue_date", &value)?),
            "expiry_date" => fields.stated.expiry_date = Some(date_field("expiry_date", &value)?),
            _ => fields.stated.epc_rating = Some(parsed("epc_rating", &value)?),
        }
    }
    Err(invalid("file", "required", "the file is missing (send it last)".into()))
}

async fn store_file(
    state: &AppState,
    client_id: ClientId,
    uploaded_by: Option<UserId>,
    fields: Fields,
    field: Field,
    ctx: &app::RequestContext,
) -> Result<domain::Document, ApiError> {
    let Some(raw) = fields.property_id else {
        return Err(invalid(
            "property_id",
            "required",
            "send property_id before the file".into(),
        ));
    };
    let property_id: PropertyId = raw.trim().parse().map_err(|_| NO_PROPERTY)?;
    let file_name = field
        .content_disposition()
        .and_then(|cd| cd.get_filename().map(str::to_owned))
        .unwrap_or_default();
    let upload = NewUpload {
        client_id,
        property_id,
        display_name: DisplayName::from_client(&file_name),
        stated: fields.stated,
        uploaded_by,
    };
    let chunks = field.map(|chunk| chunk.map(|bytes| bytes.to_vec()).map_err(|e| e.to_string()));
    Ok(app::documents::upload_document(state.documents(), upload, Box::pin(chunks), ctx).await?)
}

impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::UnknownProperty => NO_PROPERTY,
            UploadError::TooLarge { max_bytes } => Self::PayloadTooLarge {
                limit: usize::try_from(max_bytes).unwrap_or(usize::MAX),
            },
            UploadError::QuotaExceeded { used, allowed } => Self::QuotaExceeded { used, allowed },
            UploadError::RateLimited { retry_after } => Self::TooManyRequests {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            UploadError::Refused(FileTypeError::Empty) => invalid("file", "empty", "the file is empty".into()),
            UploadError::Refused(FileTypeError::Unsupported) => Self::UnsupportedFile,
            UploadError::Interrupted(why) => Self::MalformedBody(format!("the upload was cut short: {why}")),
            UploadError::Storage(e) => Self::Unavailable(e.into()),
            UploadError::Contended => Self::Unavailable(anyhow::anyhow!("the property's documents kept changing")),
            UploadError::Store(e) => e.into(),
        }
    }
}

const NO_PROPERTY: ApiError = ApiError::NotFound("no property of this client has this id");

fn invalid(field: &str, code: &'static str, message: String) -> ApiError {
    ApiError::Validation(vec![FieldError {
        field: field.into(),
        code,
        message,
    }])
}

fn parsed<T: std::str::FromStr>(field: &str, raw: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    raw.trim()
        .parse()
        .map_err(|e: T::Err| invalid(field, "invalid_choice", e.to_string()))
}

/// A small text field, refused beyond [`MAX_FIELD_BYTES`], or when the fields read so far
/// (`total`) pass [`MAX_FIELDS_BYTES`].
async fn text(mut field: Field, total: &mut usize) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .try_next()
        .await
        .map_err(|e| ApiError::MalformedBody(e.to_string()))?
    {
        bytes.extend_from_slice(&chunk);
        *total += chunk.len();
        if bytes.len() > MAX_FIELD_BYTES {
            return Err(invalid(
                &name,
                "too_long",
                format!("must be at most {MAX_FIELD_BYTES} bytes"),
            ));
        }
        if *total > MAX_FIELDS_BYTES {
            return Err(invalid(
                &name,
                "fields_too_long",
                format!("the fields before the file must total at most {MAX_FIELDS_BYTES} bytes"),
            ));
        }
    }
    String::from_utf8(bytes).map_err(|_| invalid(&name, "invalid_text", "is not UTF-8 text".into()))
}
