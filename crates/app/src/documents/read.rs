//! Reading documents back: a client reaches only its own (another's is as absent as one that
//! never existed); an operator reaches any.

use domain::{ClientId, Document, DocumentId};
use ports::{DocumentDownload, StorageError, StorageKey, StoreError};

use super::DocumentServices;

/// Who is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A client's user: only the client's own documents.
    Client(ClientId),
    /// An operator: anyone's.
    Operator,
}

impl Reader {
    fn may_read(self, client: ClientId) -> bool {
        match self {
            Self::Client(own) => own == client,
            Self::Operator => true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentReadError {
    /// No such client or document, or not the reader's: one answer for all.
    #[error("no such document")]
    NotFound,
    /// The file's store failed, or a recorded document's file is missing.
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The client's documents, newest first.
///
/// # Errors
/// [`DocumentReadError::NotFound`] for an unknown client or one the reader may not read.
#[tracing::instrument(skip_all, fields(client_id = %client))]
pub async fn list_documents(
    s: DocumentServices<'_>,
    reader: Reader,
    client: ClientId,
) -> Result<Vec<Document>, DocumentReadError> {
    if !reader.may_read(client) || s.store.get_client(client).await?.is_none() {
        return Err(DocumentReadError::NotFound);
    }
    Ok(s.store.list_documents(client).await?)
}

/// One document, with its file opened for streaming.
///
/// # Errors
/// [`DocumentReadError::NotFound`] for an unknown document or one the reader may not read;
/// `Storage` when the file cannot be opened.
#[tracing::instrument(skip_all, fields(document_id = %id))]
pub async fn open_document(
    s: DocumentServices<'_>,
    reader: Reader,
    id: DocumentId,
) -> Result<(Document, Box<dyn DocumentDownload>), DocumentReadError> {
    let document = s
        .store
        .get_document(id)
        .await?
        .filter(|d| reader.may_read(d.client_id))
        .ok_or(DocumentReadError::NotFound)?;
    let key = StorageKey::parse(&document.file.key)?;
    let file = s.files.open(&key).await?;
    Ok((document, file))
}
