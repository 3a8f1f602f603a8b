//! In-memory adapters for use-case tests: quick, inspectable, and held to the same conformance
//! suite as the real ones.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use ports::{DocumentDownload, DocumentStore, DocumentUpload, StorageError, StorageKey};

type Files = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

/// A `DocumentStore` in a map: a file appears under its key when its upload finishes, as in the
/// real stores. [`MemoryDocumentStore::keys`] shows what is stored, so a test can check that a
/// refused upload left nothing behind.
#[derive(Debug, Clone, Default)]
pub struct MemoryDocumentStore {
    files: Files,
}

impl MemoryDocumentStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every finished file's key, in order.
    pub fn keys(&self) -> Vec<String> {
        lock(&self.files).keys().cloned().collect()
    }

    /// The finished file under `key`.
    pub fn bytes(&self, key: &str) -> Option<Vec<u8>> {
        lock(&self.files).get(key).cloned()
    }
}

fn lock(files: &Files) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
    files.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl DocumentStore for MemoryDocumentStore {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn create(&self, key: &StorageKey) -> Result<Box<dyn DocumentUpload>, StorageError> {
        Ok(Box::new(Upload {
            files: Arc::clone(&self.files),
            key: key.as_str().to_owned(),
            data: Vec::new(),
        }))
    }

    async fn open(&self, key: &StorageKey) -> Result<Box<dyn DocumentDownload>, StorageError> {
        let data = lock(&self.files)
            .get(key.as_str())
            .cloned()
            .ok_or(StorageError::NotFound)?;
        Ok(Box::new(Download { data: Some(data) }))
    }

    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        lock(&self.files).remove(key.as_str());
        Ok(())
    }
}

struct Upload {
    files: Files,
    key: String,
    data: Vec<u8>,
}

#[async_trait]
impl DocumentUpload for Upload {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        self.data.extend_from_slice(chunk);
        Ok(())
    }

    async fn finish(self: Box<Self>) -> Result<(), StorageError> {
        let Upload { files, key, data } = *self;
        lock(&files).insert(key, data);
        Ok(())
    }

    async fn abort(self: Box<Self>) -> Result<(), StorageError> {
        Ok(())
    }
}

struct Download {
    data: Option<Vec<u8>>,
}

#[async_trait]
impl DocumentDownload for Download {
    fn size(&self) -> u64 {
        self.data.as_ref().map_or(0, |d| d.len() as u64)
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.data.take().filter(|d| !d.is_empty()))
    }
}
