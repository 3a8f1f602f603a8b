//! The pack's ZIP, written as it streams: zip's stream writer (no seeking back; sizes and CRCs
//! follow each file in a data descriptor) writes into a buffer that is handed to the sink after
//! every chunk, so memory holds one chunk of one file whatever the evidence weighs. Evidence is
//! hashed as it is read and the archive stops if a file is not what was uploaded.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use ports::{ArchiveFile, ArchiveSink, ArchiveSource, DocumentStore, PackArchiver, PackError};
use sha2::{Digest, Sha256};
use zip::write::{SimpleFileOptions, ZipWriter};
use zip::{CompressionMethod, DateTime};

/// What the writer has produced and the sink not yet taken.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn archive_error(e: impl std::fmt::Display) -> PackError {
    PackError::Archive(e.to_string())
}

/// Writes packs as ZIP files.
#[derive(Debug, Default, Clone, Copy)]
pub struct ZipPackArchiver;

async fn drain(pending: &Pending, sink: &mut dyn ArchiveSink) -> Result<(), PackError> {
    let chunk = pending.take();
    if chunk.is_empty() {
        Ok(())
    } else {
        sink.write(chunk).await
    }
}

#[async_trait]
impl PackArchiver for ZipPackArchiver {
    async fn archive(
        &self,
        files: Vec<ArchiveFile>,
        store: &dyn DocumentStore,
        sink: &mut dyn ArchiveSink,
    ) -> Result<(), PackError> {
        let pending = Pending::default();
        let mut zip = ZipWriter::new_stream(pending.clone());
        for file in files {
            let method = if file.compress {
                CompressionMethod::Deflated
            } else {
                CompressionMethod::Stored
            };
            let mut options = SimpleFileOptions::default()
                .compression_method(method)
                .last_modified_time(DateTime::default());
            match file.source {
                ArchiveSource::Bytes(bytes) => {
                    zip.start_file(file.name.as_str(), options).map_err(archive_error)?;
                    for chunk in bytes.chunks(64 * 1024) {
                        zip.write_all(chunk).map_err(archive_error)?;
                        drain(&pending, sink).await?;
                    }
                }
                ArchiveSource::Document { key, sha256 } => {
                    let read_error = |source| PackError::Read {
                        name: file.name.clone(),
                        source,
                    };
                    let mut download = store.open(&key).await.map_err(read_error)?;
                    // Past 4 GiB a file needs ZIP64 sizes, and a stream cannot go back for them.
                    options = options.large_file(download.size() >= u64::from(u32::MAX));
                    zip.start_file(file.name.as_str(), options).map_err(archive_error)?;
                    let mut hasher = Sha256::new();
                    while let Some(chunk) = download.next_chunk().await.map_err(read_error)? {
                        hasher.update(&chunk);
                        zip.write_all(&chunk).map_err(archive_error)?;
                        drain(&pending, sink).await?;
                    }
                    if <[u8; 32]>::from(hasher.finalize()) != sha256 {
                        return Err(PackError::Corrupt { name: file.name });
                    }
                }
            }
        }
        zip.finish().map_err(archive_error)?;
        drain(&pending, sink).await
    }
}
