//! Evidence documents as records: who uploaded what for which property, and the one-way review
//! PENDING -> VERIFIED | REJECTED. The files themselves live in a [`crate::DocumentStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ClientId, Document, DocumentId, NewAuditEntry, Review, UserId};

use crate::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no such document")]
    NotFound,
    /// Verified or rejected already: a review is never undone or repeated.
    #[error("the document has been reviewed already")]
    NotPending,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait DocumentRepository: Send + Sync {
    /// Records an uploaded document with its audit entries (the upload and any status changes
    /// it causes), atomically. The property MUST belong to the document's client; otherwise
    /// nothing is written and an error returned.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails or the property is not the client's.
    async fn create_document(&self, document: &Document, audit: &[NewAuditEntry]) -> Result<(), StoreError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown id is `Ok(None)`.
    async fn get_document(&self, id: DocumentId) -> Result<Option<Document>, StoreError>;

    /// The client's documents, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_documents(&self, client: ClientId) -> Result<Vec<Document>, StoreError>;

    /// Verifies or rejects a PENDING document with its audit entries, atomically, and returns it
    /// as it now is. Of concurrent reviews of one document exactly one succeeds.
    ///
    /// # Errors
    /// [`ReviewError::NotFound`], [`ReviewError::NotPending`] (nothing written), or a store failure.
    async fn review_document(
        &self,
        id: DocumentId,
        review: &Review,
        reviewer: UserId,
        now: DateTime<Utc>,
        audit: &[NewAuditEntry],
    ) -> Result<Document, ReviewError>;
}
