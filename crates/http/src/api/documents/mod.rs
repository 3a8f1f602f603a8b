//! Evidence documents over HTTP: uploads (multipart, streamed), lists, downloads, reviews and the
//! client's dashboard. A client only ever reaches its own documents: anything else is 404.

mod portfolio;
mod read;
mod review;
mod suggest;
mod upload;

pub use portfolio::{Dashboard, dashboard};
pub use read::{admin_download, admin_list, client_download, client_list};
pub use review::{reject, verify};
pub use suggest::suggestions;
pub(crate) use upload::upload as upload_evidence;
pub use upload::{admin_upload, client_upload};

use chrono::{DateTime, NaiveDate, Utc};
use domain::Document;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use app::documents::{DocumentReadError, SuggestError};
use ports::StorageError;

use crate::api::problem::ApiError;

/// A document as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    document_id: Uuid,
    property_id: Uuid,
    #[schema(example = "PENDING")]
    status: String,
    file_name: String,
    #[schema(example = "application/pdf")]
    file_type: String,
    size_bytes: u64,
    /// Hex SHA-256 of the file.
    sha256: String,
    /// What the uploader said: requirement, issue_date, expiry_date, epc_rating.
    #[schema(value_type = Object)]
    stated: serde_json::Value,
    /// What the operator confirmed on verifying it.
    #[schema(value_type = Option<Object>)]
    confirmed: Option<serde_json::Value>,
    rejection_reason: Option<String>,
    reviewed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<Document> for DocumentView {
    fn from(d: Document) -> Self {
        Self {
            document_id: d.id.as_uuid(),
            property_id: d.property_id.as_uuid(),
            status: d.status.to_string(),
            file_name: d.file.display_name.as_str().to_owned(),
            file_type: d.file.file_type.to_string(),
            size_bytes: d.file.size_bytes,
            sha256: hex::encode(d.file.sha256),
            stated: serde_json::to_value(d.stated).unwrap_or_default(),
            confirmed: d.confirmed.map(|c| serde_json::to_value(c).unwrap_or_default()),
            rejection_reason: d.rejection_reason,
            reviewed_at: d.reviewed_at,
            created_at: d.created_at,
        }
    }
}

/// A `YYYY-MM-DD` field, or a problem naming it.
pub(crate) fn date_field(field: &str, raw: &str) -> Result<NaiveDate, ApiError> {
    raw.trim().parse().map_err(|_| {
        ApiError::Validation(vec![crate::api::problem::FieldError {
            field: field.into(),
            code: "invalid_date",
            message: format!("`{raw}` is not a date written YYYY-MM-DD"),
        }])
    })
}

/// A storage failure: unavailable storage is worth retrying (503); a recorded document whose file
/// is missing is our fault and is logged whole (500).
fn storage_error(error: StorageError) -> ApiError {
    match error {
        StorageError::Unavailable(_) => ApiError::Unavailable(error.into()),
        other => ApiError::Unexpected(anyhow::anyhow!("a recorded document's file: {other}")),
    }
}

impl From<DocumentReadError> for ApiError {
    fn from(error: DocumentReadError) -> Self {
        match error {
            DocumentReadError::NotFound => Self::NotFound("no document or client has this id"),
            DocumentReadError::Storage(e) => storage_error(e),
            DocumentReadError::Store(e) => e.into(),
        }
    }
}

impl From<SuggestError> for ApiError {
    fn from(error: SuggestError) -> Self {
        match error {
            SuggestError::NotFound => Self::NotFound("no document has this id"),
            SuggestError::Busy { retry_after } => Self::Busy {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            SuggestError::Storage(e) => storage_error(e),
            SuggestError::Store(e) => e.into(),
        }
    }
}
