//! The S3 store passes the document store conformance suite against the S3-compatible server at
//! `TEST_S3_URL` (moto in tests; skipped, saying so, when that is unset), each check in a fresh
//! bucket of its own.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use adapter_storage::{S3DocumentStore, S3Settings};
use ports::{DocumentStore, StorageKey};
use testkit::conformance::document_store::DocumentStoreHarness;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

struct S3Harness {
    store: Arc<S3DocumentStore>,
}

impl DocumentStoreHarness for S3Harness {
    fn store(&self) -> Arc<dyn DocumentStore> {
        Arc::clone(&self.store) as Arc<dyn DocumentStore>
    }
}

fn settings(endpoint: &str, bucket: &str, prefix: &str) -> S3Settings {
    S3Settings {
        bucket: bucket.to_owned(),
        prefix: prefix.to_owned(),
        endpoint: Some(endpoint.to_owned()),
        region: "us-east-1".to_owned(),
        access_key_id: "test".to_owned(),
        secret_access_key: "test".to_owned(),
        allow_http: true,
    }
}

/// Creates `bucket` with an unsigned `PUT /{bucket}` (moto does not check signatures), over a
/// hand-written HTTP/1.1 request: object_store cannot create buckets.
async fn create_bucket(endpoint: &str, bucket: &str) {
    let authority = endpoint
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("TEST_S3_URL must be http://host:port, got {endpoint}"))
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(authority)
        .await
        .unwrap_or_else(|e| panic!("connect to {endpoint}: {e}"));
    let request =
        format!("PUT /{bucket} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    let status_line = response.lines().next().unwrap_or_default();
    assert!(status_line.contains(" 200 "), "creating bucket {bucket}: {response}");
}

/// The endpoint and a fresh bucket on it, or `None` (with a message) without `TEST_S3_URL`.
async fn fresh_bucket() -> Option<(String, String)> {
    let endpoint = testkit::services::service_url("TEST_S3_URL")?;
    let bucket = format!("cvt-{}", Uuid::new_v4().simple());
    create_bucket(&endpoint, &bucket).await;
    Some((endpoint, bucket))
}

async fn harness() -> Option<S3Harness> {
    let (endpoint, bucket) = fresh_bucket().await?;
    let store = S3DocumentStore::new(settings(&endpoint, &bucket, "vault")).unwrap();
    Some(S3Harness { store: Arc::new(store) })
}

testkit::document_store_conformance_tests!(needs has_s3, "needs TEST_S3_URL", harness());

#[tokio::test]
#[cfg_attr(not(has_s3), ignore = "needs TEST_S3_URL")]
async fn objects_live_at_prefix_slash_key() {
    let Some((endpoint, bucket)) = fresh_bucket().await else {
        return;
    };
    let prefixed = S3DocumentStore::new(settings(&endpoint, &bucket, "/vault/files/")).unwrap();
    let bare = S3DocumentStore::new(settings(&endpoint, &bucket, "")).unwrap();
    let key = StorageKey::parse("documents/placed").unwrap();

    let mut upload = prefixed.create(&key).await.unwrap();
    upload.write(b"where am i").await.unwrap();
    upload.finish().await.unwrap();

    let mut download = bare
        .open(&StorageKey::parse("vault/files/documents/placed").unwrap())
        .await
        .unwrap();
    assert_eq!(download.size(), 10);
    assert_eq!(
        download.next_chunk().await.unwrap().as_deref(),
        Some(&b"where am i"[..])
    );
    assert!(download.next_chunk().await.unwrap().is_none());
}

#[test]
fn the_secret_is_never_printed() {
    let mut settings = settings("http://127.0.0.1:1", "bucket", "");
    settings.secret_access_key = "very-secret-value".to_owned();
    assert!(!format!("{settings:?}").contains("very-secret-value"));
    let store = S3DocumentStore::new(settings).unwrap();
    assert!(!format!("{store:?}").contains("very-secret-value"));
    assert_eq!(store.name(), "s3");
}
