//! The `DocumentStore` port on two backends: a local directory ([`LocalDocumentStore`]) and
//! S3-compatible object storage ([`S3DocumentStore`]). Both stream files in and out in chunks and
//! make a file readable under its key only once its upload has finished.

mod local;
mod s3;

pub use local::LocalDocumentStore;
pub use s3::{S3DocumentStore, S3Settings};

use ports::StorageError;

/// Wraps a backend failure as [`StorageError::Unavailable`], keeping the cause for the logs.
fn unavailable(error: impl std::error::Error + Send + Sync + 'static) -> StorageError {
    StorageError::Unavailable(Box::new(error))
}
