//! Evidence documents as records: who uploaded what for which property, and the one-way review
//! PENDING -> VERIFIED | REJECTED. The files themselves live in a [`crate::DocumentStore`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{ClientId, Document, DocumentId, NewAuditEntry, PropertyId, Review, StoredSnapshot, UserId};

use crate::StoreError;

/// A property's documents as of one version of its evidence. Every document written for the
/// property moves the version on, so a change computed from this snapshot can insist that
/// nothing moved in between: its before-and-after audit entries are then exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyEvidence {
    pub version: i64,
    pub documents: Vec<Document>,
    /// The snapshots of its requirements as last evaluated (none for one never evaluated).
    pub snapshots: Vec<StoredSnapshot>,
}

/// What a change to a property's evidence writes beside its document, computed from the evidence
/// at `version`: the audit entries (the change itself, then any status changes it causes) and
/// the requirements' snapshots that move.
#[derive(Debug, Clone, Default)]
pub struct EvidenceWrite {
    pub version: i64,
    pub audit: Vec<NewAuditEntry>,
    pub snapshots: Vec<StoredSnapshot>,
}

/// A client's portfolio as evaluated and stored by [`DocumentRepository::store_portfolio`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPortfolio {
    /// The client's evidence version it was evaluated from.
    pub evidence_version: i64,
    /// The day it was evaluated as of.
    pub evaluated_on: NaiveDate,
    /// Which engine evaluated it: one that evaluates otherwise must not use it.
    pub engine: String,
    /// The evaluation as the application wrote it; the store keeps it as it is.
    pub portfolio: String,
}

/// A client's evidence version now and the portfolio stored for it, if any, read together (with
/// the session: [`crate::SessionRepository::session_principal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortfolioRead {
    /// Moves on with every document written or reviewed for any of the client's properties.
    pub evidence_version: i64,
    pub stored: Option<StoredPortfolio>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteEvidenceError {
    /// The property's evidence moved on since the snapshot: compute again and retry.
    #[error("the property's evidence changed meanwhile")]
    Conflict,
    /// The client's documents would pass its storage quota; `used` is what they take now.
    #[error("the client's documents already take {used} bytes")]
    QuotaExceeded { used: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no such document")]
    NotFound,
    /// Verified or rejected already: a review is never undone or repeated.
    #[error("the document has been reviewed already")]
    NotPending,
    /// The property's evidence moved on since the snapshot: compute again and retry.
    #[error("the property's evidence changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait DocumentRepository: Send + Sync {
    /// The property's documents and the version of its evidence, read together.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn property_evidence(&self, property: PropertyId) -> Result<PropertyEvidence, StoreError>;

    /// Records an uploaded document with what `write` says, atomically, if the property's
    /// evidence is still at `write.version`. The
    /// property MUST belong to the document's client; otherwise nothing is written.
    ///
    /// # Errors
    /// [`WriteEvidenceError::Conflict`] when the evidence moved on (nothing written);
    /// [`WriteEvidenceError::QuotaExceeded`] when the client's documents with this one would
    /// take more than `storage_quota` bytes, counted under a lock so that racing uploads of one
    /// client cannot pass it together (nothing written);
    /// [`StoreError`] when the store fails or the property is not the client's.
    ///
    /// The client's evidence version ([`PortfolioRead::evidence_version`]) moves on with it.
    async fn create_document(
        &self,
        document: &Document,
        write: &EvidenceWrite,
        storage_quota: u64,
    ) -> Result<(), WriteEvidenceError>;

    /// The bytes the client's documents take, whatever their status.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn storage_used(&self, client: ClientId) -> Result<u64, StoreError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown id is `Ok(None)`.
    async fn get_document(&self, id: DocumentId) -> Result<Option<Document>, StoreError>;

    /// The client's documents, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_documents(&self, client: ClientId) -> Result<Vec<Document>, StoreError>;

    /// Verifies or rejects a PENDING document with what `write` says, atomically, if its
    /// property's evidence is still at `write.version`, and returns it as it now is. Of
    /// concurrent reviews of one document exactly one succeeds. Like
    /// [`DocumentRepository::create_document`], it moves the client's evidence version on.
    ///
    /// # Errors
    /// [`ReviewError::NotFound`], [`ReviewError::NotPending`], [`ReviewError::Conflict`] (nothing
    /// written in each case), or a store failure.
    async fn review_document(
        &self,
        id: DocumentId,
        review: &Review,
        reviewer: UserId,
        now: DateTime<Utc>,
        write: &EvidenceWrite,
    ) -> Result<Document, ReviewError>;

    /// Stores `portfolio` as the client's, in place of any stored before.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn store_portfolio(&self, client: ClientId, portfolio: &StoredPortfolio) -> Result<(), StoreError>;
}
