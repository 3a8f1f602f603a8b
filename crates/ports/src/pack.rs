//! What the compliance pack needs from outside the use cases: a PDF drawn from the pack, a ZIP
//! written as it streams, and the instance's signature over the manifest.

use async_trait::async_trait;
use domain::CompliancePack;

use crate::{DocumentStore, StorageKey};

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("drawing the PDF failed: {0}")]
    Render(String),
    #[error("writing the archive failed: {0}")]
    Archive(String),
    /// A stored file no longer has the hash it was uploaded with: the pack would certify bytes
    /// it was never given, so it stops.
    #[error("{name} does not have the hash it was uploaded with")]
    Corrupt { name: String },
    #[error("reading {name} failed: {source}")]
    Read {
        name: String,
        #[source]
        source: crate::StorageError,
    },
    /// Whoever reads the archive went away.
    #[error("the reader went away")]
    Closed,
}

pub trait PackRenderer: Send + Sync + std::fmt::Debug {
    /// The pack as a PDF; `json_sha256` is the SHA-256 of the pack's JSON, printed in the footer.
    ///
    /// # Errors
    /// [`PackError::Render`] when the PDF cannot be drawn.
    fn pdf(&self, pack: &CompliancePack, json_sha256: &[u8; 32]) -> Result<Vec<u8>, PackError>;
}

/// The instance's key for packs (Ed25519).
pub trait PackSigner: Send + Sync + std::fmt::Debug {
    /// The public key, base64 (standard alphabet, padded), as `GET /api/pack-key` serves it.
    fn public_key(&self) -> String;
    /// The signature of `message`, base64.
    fn sign(&self, message: &[u8]) -> String;
}

/// Where an archive file's bytes come from.
pub enum ArchiveSource {
    Bytes(Vec<u8>),
    /// A stored document, opened when its turn comes and checked against the hash it was
    /// uploaded with as it is read.
    Document {
        key: StorageKey,
        sha256: [u8; 32],
    },
}

pub struct ArchiveFile {
    pub name: String,
    pub source: ArchiveSource,
    /// Compress it (the PDF and the JSON); evidence is stored as it is, already compressed.
    pub compress: bool,
}

impl std::fmt::Debug for ArchiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Self::Document { key, .. } => write!(f, "Document({key})"),
        }
    }
}

impl std::fmt::Debug for ArchiveFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveFile")
            .field("name", &self.name)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Takes the archive's bytes as they are written.
#[async_trait]
pub trait ArchiveSink: Send {
    /// # Errors
    /// [`PackError::Closed`] when the reader went away.
    async fn write(&mut self, chunk: Vec<u8>) -> Result<(), PackError>;
}

#[async_trait]
pub trait PackArchiver: Send + Sync + std::fmt::Debug {
    /// Writes `files` as one ZIP into `sink`, in order, reading documents from `store` one at a
    /// time and holding at most a chunk of any file.
    ///
    /// # Errors
    /// [`PackError`] when a file cannot be read or is not what it was, or the sink closes.
    async fn archive(
        &self,
        files: Vec<ArchiveFile>,
        store: &dyn DocumentStore,
        sink: &mut dyn ArchiveSink,
    ) -> Result<(), PackError>;
}
