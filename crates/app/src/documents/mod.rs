//! Evidence documents: uploading them, reviewing them, and what they make of each property's
//! compliance.

mod evaluation;
mod review;
mod suggest;
mod upload;

pub use evaluation::{evaluate_property, evidence_of, status_changes};
pub use review::{ReviewDocumentError, review_document};
pub use suggest::{Suggested, Suggestions, suggest};
pub use upload::{NewUpload, UploadError, UploadLimits, UploadServices, upload_document};
