//! Files in a local directory. A key maps to `root/<key>`; an upload is written to a temporary
//! file under `root/.uploads/` (the same filesystem) and renamed into place once it is complete
//! and synced, so a reader sees either nothing or the whole file. `.uploads` can never be a key:
//! keys have no segments starting with a dot.

use std::io;
use std::path::PathBuf;

use async_trait::async_trait;
use ports::{DocumentDownload, DocumentStore, DocumentUpload, StorageError, StorageKey};
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use uuid::Uuid;

use crate::unavailable;

/// Where uploads in progress live, inside the root.
const UPLOADS_DIR: &str = ".uploads";
/// The size of the chunks a download yields (the last may be shorter).
const READ_CHUNK: usize = 64 * 1024;
/// The write buffer in front of an upload's temporary file.
const WRITE_BUFFER: usize = 64 * 1024;

/// A [`DocumentStore`] keeping files under a root directory on the local filesystem.
#[derive(Debug, Clone)]
pub struct LocalDocumentStore {
    root: PathBuf,
}

impl LocalDocumentStore {
    /// A store under `root`, which is created (with any missing parents) on the first upload.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `root/<key>`: the key's shape (no empty, dot or absolute segments) keeps it under the root.
    fn path_of(&self, key: &StorageKey) -> PathBuf {
        key.as_str()
            .split('/')
            .fold(self.root.clone(), |path, segment| path.join(segment))
    }
}

/// Whether an I/O error means "there is no file at this path".
fn is_missing(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory
    )
}

#[async_trait]
impl DocumentStore for LocalDocumentStore {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn create(&self, key: &StorageKey) -> Result<Box<dyn DocumentUpload>, StorageError> {
        let target = self.path_of(key);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).await.map_err(unavailable)?;
        }
        let uploads = self.root.join(UPLOADS_DIR);
        fs::create_dir_all(&uploads).await.map_err(unavailable)?;
        let temp = uploads.join(format!("{}.part", Uuid::new_v4().simple()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await
            .map_err(unavailable)?;
        Ok(Box::new(LocalUpload {
            writer: BufWriter::with_capacity(WRITE_BUFFER, file),
            temp,
            target,
            settled: false,
        }))
    }

    async fn open(&self, key: &StorageKey) -> Result<Box<dyn DocumentDownload>, StorageError> {
        let file = match File::open(self.path_of(key)).await {
            Ok(file) => file,
            Err(e) if is_missing(&e) => return Err(StorageError::NotFound),
            Err(e) => return Err(unavailable(e)),
        };
        let metadata = file.metadata().await.map_err(unavailable)?;
        // A key that is only a prefix of other keys names a directory, not a file.
        if !metadata.is_file() {
            return Err(StorageError::NotFound);
        }
        Ok(Box::new(LocalDownload {
            file,
            size: metadata.len(),
        }))
    }

    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        match fs::remove_file(self.path_of(key)).await {
            Ok(()) => Ok(()),
            Err(e) if is_missing(&e) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// An upload into `temp`, renamed to `target` by `finish`. Until it is settled (finished or
/// aborted), dropping it removes the temporary file.
#[derive(Debug)]
struct LocalUpload {
    writer: BufWriter<File>,
    temp: PathBuf,
    target: PathBuf,
    settled: bool,
}

#[async_trait]
impl DocumentUpload for LocalUpload {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        self.writer.write_all(chunk).await.map_err(unavailable)
    }

    async fn finish(mut self: Box<Self>) -> Result<(), StorageError> {
        // On any failure below, dropping `self` removes the temporary file.
        self.writer.flush().await.map_err(unavailable)?;
        self.writer.get_mut().sync_all().await.map_err(unavailable)?;
        fs::rename(&self.temp, &self.target).await.map_err(unavailable)?;
        self.settled = true;
        // Make the rename itself durable. Best effort: the file is readable now, and the port
        // promises that an error from `finish` leaves nothing readable.
        #[cfg(unix)]
        if let Some(parent) = self.target.parent()
            && let Ok(directory) = File::open(parent).await
        {
            let _ = directory.sync_all().await;
        }
        Ok(())
    }

    async fn abort(mut self: Box<Self>) -> Result<(), StorageError> {
        self.settled = true;
        match fs::remove_file(&self.temp).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

impl Drop for LocalUpload {
    fn drop(&mut self) {
        if !self.settled {
            // Best effort: a leftover `.part` is harmless, as it is never readable under a key.
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A finished file being read in chunks of [`READ_CHUNK`] bytes.
#[derive(Debug)]
struct LocalDownload {
    file: File,
    size: u64,
}

#[async_trait]
impl DocumentDownload for LocalDownload {
    fn size(&self) -> u64 {
        self.size
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StorageError> {
        let mut chunk = vec![0; READ_CHUNK];
        let mut filled = 0;
        while filled < READ_CHUNK {
            let read = self.file.read(&mut chunk[filled..]).await.map_err(unavailable)?;
            if read == 0 {
                break;
            }
            filled += read;
        }
        if filled == 0 {
            return Ok(None);
        }
        chunk.truncate(filled);
        Ok(Some(chunk))
    }
}
