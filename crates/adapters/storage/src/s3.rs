//! Files in S3-compatible object storage, through `object_store`. A key is stored as the object
//! `prefix/key`. Uploads are multipart uploads in parts of [`PART_SIZE`] (the S3 minimum for all
//! but the last part); the object exists only once the upload is completed, so a reader sees
//! either nothing or the whole file.

use std::fmt;

use async_trait::async_trait;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStoreExt, WriteMultipart};
use ports::{DocumentDownload, DocumentStore, DocumentUpload, StorageError, StorageKey};

use crate::unavailable;

/// The size of every part of a multipart upload but the last: S3's minimum.
const PART_SIZE: usize = 5 * 1024 * 1024;
/// How many parts of one upload may be in flight at once; bounds an upload's memory to about
/// `(MAX_PARTS_IN_FLIGHT + 1) * PART_SIZE`.
const MAX_PARTS_IN_FLIGHT: usize = 1;

/// Where and how to reach the bucket.
#[derive(Clone)]
pub struct S3Settings {
    /// The bucket, which must exist.
    pub bucket: String,
    /// Prepended to every key as `prefix/key`; may be empty. Surrounding slashes are ignored.
    pub prefix: String,
    /// An S3-compatible endpoint (`https://…`); `None` for AWS itself.
    pub endpoint: Option<String>,
    /// The region, e.g. `eu-west-2`.
    pub region: String,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key. Never printed: `Debug` redacts it.
    pub secret_access_key: String,
    /// Whether a plain `http://` endpoint is allowed (for local test servers only).
    pub allow_http: bool,
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// A [`DocumentStore`] keeping files as objects in an S3 bucket.
pub struct S3DocumentStore {
    store: AmazonS3,
    bucket: String,
    /// Without surrounding slashes; empty for none.
    prefix: String,
    endpoint: Option<String>,
}

impl fmt::Debug for S3DocumentStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3DocumentStore")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl S3DocumentStore {
    /// Builds the client; nothing is contacted until the first operation.
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when the settings are unusable (an empty bucket, an invalid
    /// endpoint or prefix).
    pub fn new(settings: S3Settings) -> Result<Self, StorageError> {
        let prefix = settings.prefix.trim_matches('/').to_owned();
        if !prefix.is_empty() {
            Path::parse(&prefix).map_err(unavailable)?;
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(settings.region)
            .with_access_key_id(settings.access_key_id)
            .with_secret_access_key(settings.secret_access_key)
            .with_allow_http(settings.allow_http)
            // We delete one object at a time: a plain `DELETE` works on every S3-compatible
            // provider, where the bulk `POST /?delete` object_store uses by default does not.
            .with_disable_bulk_delete(true);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().map_err(unavailable)?;
        Ok(Self {
            store,
            bucket: settings.bucket,
            prefix,
            endpoint: settings.endpoint,
        })
    }

    /// The object path of `key`: `prefix/key`, without a leading slash.
    fn location(&self, key: &StorageKey) -> Result<Path, StorageError> {
        let path = if self.prefix.is_empty() {
            Path::parse(key.as_str())
        } else {
            Path::parse(format!("{}/{key}", self.prefix))
        };
        path.map_err(|_| StorageError::InvalidKey)
    }
}

#[async_trait]
impl DocumentStore for S3DocumentStore {
    fn name(&self) -> &'static str {
        "s3"
    }

    async fn create(&self, key: &StorageKey) -> Result<Box<dyn DocumentUpload>, StorageError> {
        let location = self.location(key)?;
        let upload = self.store.put_multipart(&location).await.map_err(unavailable)?;
        Ok(Box::new(S3Upload {
            writer: Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)),
        }))
    }

    async fn open(&self, key: &StorageKey) -> Result<Box<dyn DocumentDownload>, StorageError> {
        let location = self.location(key)?;
        match self.store.get(&location).await {
            Ok(object) => Ok(Box::new(S3Download {
                size: object.meta.size,
                chunks: object.into_stream().map(|chunk| chunk.map(Vec::from)).boxed(),
            })),
            Err(object_store::Error::NotFound { .. }) => Err(StorageError::NotFound),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn delete(&self, key: &StorageKey) -> Result<(), StorageError> {
        let location = self.location(key)?;
        match self.store.delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// A multipart upload. `writer` is `None` once finished or aborted; dropping an upload that is
/// neither aborts it in the background, so its parts do not linger in the bucket.
#[derive(Debug)]
struct S3Upload {
    writer: Option<WriteMultipart>,
}

impl S3Upload {
    fn writer(&mut self) -> Result<&mut WriteMultipart, StorageError> {
        self.writer
            .as_mut()
            .ok_or_else(|| StorageError::Unavailable("the upload is already settled".into()))
    }
}

#[async_trait]
impl DocumentUpload for S3Upload {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        let writer = self.writer()?;
        writer
            .wait_for_capacity(MAX_PARTS_IN_FLIGHT)
            .await
            .map_err(unavailable)?;
        writer.write(chunk);
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(), StorageError> {
        let writer = self.writer.take();
        match writer {
            // `finish` aborts the multipart upload itself when a part or the completion fails.
            Some(writer) => writer.finish().await.map(|_| ()).map_err(unavailable),
            None => Err(StorageError::Unavailable("the upload is already settled".into())),
        }
    }

    async fn abort(mut self: Box<Self>) -> Result<(), StorageError> {
        match self.writer.take() {
            Some(writer) => writer.abort().await.map_err(unavailable),
            None => Ok(()),
        }
    }
}

impl Drop for S3Upload {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                let _ = writer.abort().await;
            });
        }
    }
}

/// A finished object being read as the chunks its byte stream yields.
struct S3Download {
    size: u64,
    chunks: BoxStream<'static, object_store::Result<Vec<u8>>>,
}

#[async_trait]
impl DocumentDownload for S3Download {
    fn size(&self) -> u64 {
        self.size
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StorageError> {
        loop {
            match self.chunks.next().await {
                None => return Ok(None),
                Some(Ok(chunk)) if chunk.is_empty() => {}
                Some(Ok(chunk)) => return Ok(Some(chunk)),
                Some(Err(e)) => return Err(unavailable(e)),
            }
        }
    }
}
