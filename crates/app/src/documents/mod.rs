//! Evidence documents: uploading them, reading them back, reviewing them, what their text
//! suggests, and what they make of each property's compliance.

mod evaluation;
mod portfolio;
mod read;
mod review;
mod suggest;
mod upload;

pub use compliance::{Rag, Status};
pub use evaluation::{Reevaluation, evaluate_property, evidence_of, reevaluate};
pub use portfolio::{Portfolio, PropertyLabel, PropertyPortfolio, RequirementView, portfolio, portfolio_of};
pub use read::{DocumentReadError, Reader, list_documents, open_document};
pub use review::{Decision, ReviewDocumentError, review_document};
pub use suggest::{DocumentSuggestions, SuggestError, Suggested, Suggestions, document_suggestions, suggest};
pub use upload::{NewUpload, UploadError, UploadLimits, upload_document};

use ports::{Clock, DocumentStore, RateLimiter, Store, TextReader};

/// The ports the document use cases take, and the upload bounds.
#[derive(Clone, Copy)]
pub struct DocumentServices<'a> {
    pub store: &'a dyn Store,
    pub files: &'a dyn DocumentStore,
    pub clock: &'a dyn Clock,
    pub limiter: &'a dyn RateLimiter,
    /// Reads files' text for suggestions, within its own bounds.
    pub reader: &'a dyn TextReader,
    pub limits: UploadLimits,
}

impl std::fmt::Debug for DocumentServices<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentServices")
            .field("files", &self.files.name())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
