//! The local-directory store passes the document store conformance suite, each check in a fresh
//! directory under the system's temporary directory, and keeps uploads in progress out of reach.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use adapter_storage::LocalDocumentStore;
use ports::{DocumentStore, StorageError, StorageKey};
use testkit::conformance::document_store::DocumentStoreHarness;
use uuid::Uuid;

/// A store over a fresh directory, removed again when the harness is dropped.
struct LocalHarness {
    root: PathBuf,
    store: Arc<LocalDocumentStore>,
}

impl DocumentStoreHarness for LocalHarness {
    fn store(&self) -> Arc<dyn DocumentStore> {
        Arc::clone(&self.store) as Arc<dyn DocumentStore>
    }
}

impl Drop for LocalHarness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn local() -> LocalHarness {
    let root = std::env::temp_dir().join(format!("cvt-storage-{}", Uuid::new_v4().simple()));
    LocalHarness {
        store: Arc::new(LocalDocumentStore::new(&root)),
        root,
    }
}

async fn harness() -> Option<LocalHarness> {
    Some(local())
}

testkit::document_store_conformance_tests!(harness());

/// The names of the files in `dir`, sorted; empty when it does not exist.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_hostile_key_never_reaches_the_filesystem() {
    // The store only ever receives a `StorageKey`, and no key climbs out of the root.
    for hostile in [
        "../outside",
        "documents/../../outside",
        "/etc/passwd",
        ".uploads/x.part",
    ] {
        assert!(
            matches!(StorageKey::parse(hostile), Err(StorageError::InvalidKey)),
            "{hostile}"
        );
    }
}

#[tokio::test]
async fn an_upload_in_progress_lives_only_under_dot_uploads() {
    let harness = local();
    let store = harness.store();
    let key = StorageKey::parse("documents/in-progress").unwrap();
    let target = harness.root.join("documents").join("in-progress");
    let uploads = harness.root.join(".uploads");

    let mut upload = store.create(&key).await.unwrap();
    upload.write(b"not yet").await.unwrap();
    let parts = files_in(&uploads);
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert!(parts[0].ends_with(".part"), "{parts:?}");
    assert!(!target.exists());
    // `.uploads` is not of a key's shape, so no key can read a part file.
    assert!(StorageKey::parse(".uploads").is_err());
    assert!(StorageKey::parse(&format!(".uploads/{}", parts[0])).is_err());
    assert!(matches!(
        store.open(&StorageKey::parse("uploads").unwrap()).await,
        Err(StorageError::NotFound)
    ));

    upload.finish().await.unwrap();
    assert!(files_in(&uploads).is_empty());
    assert_eq!(std::fs::read(&target).unwrap(), b"not yet");
}

#[tokio::test]
async fn aborted_and_dropped_uploads_leave_no_part_file() {
    let harness = local();
    let store = harness.store();
    let uploads = harness.root.join(".uploads");

    let mut aborted = store
        .create(&StorageKey::parse("documents/aborted").unwrap())
        .await
        .unwrap();
    aborted.write(b"gone").await.unwrap();
    aborted.abort().await.unwrap();
    assert!(files_in(&uploads).is_empty());

    let mut dropped = store
        .create(&StorageKey::parse("documents/dropped").unwrap())
        .await
        .unwrap();
    dropped.write(b"gone too").await.unwrap();
    drop(dropped);
    assert!(files_in(&uploads).is_empty());
    assert!(files_in(&harness.root.join("documents")).is_empty());
}

#[test]
fn the_store_is_named_local() {
    assert_eq!(LocalDocumentStore::new("/nowhere").name(), "local");
}
