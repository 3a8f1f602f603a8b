//! The document store conformance suite: every backend of `ports::DocumentStore` (a local
//! directory, S3) streams files back byte for byte and shows nothing under a key until its upload
//! has finished.

use std::sync::Arc;

use ports::{DocumentStore, StorageError, StorageKey};
use uuid::Uuid;

/// Gives the store under test. Each harness is made fresh for one check.
pub trait DocumentStoreHarness: Send + Sync {
    fn store(&self) -> Arc<dyn DocumentStore>;
}

/// A directory of keys of its own for one check: `documents/test-<uuid>`.
fn test_dir() -> String {
    format!("documents/test-{}", Uuid::new_v4().simple())
}

fn key(dir: &str, name: &str) -> StorageKey {
    StorageKey::parse(&format!("{dir}/{name}")).unwrap()
}

/// `len` pseudo-random bytes (splitmix64): no run of them repeats, so a misplaced chunk shows.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&next().to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Uploads `data` under `key` in chunks of the sizes `chunk_sizes` yields (cycled), and finishes.
async fn upload(store: &dyn DocumentStore, key: &StorageKey, data: &[u8], chunk_sizes: &[usize]) {
    let mut upload = store.create(key).await.unwrap();
    let mut rest = data;
    for &size in chunk_sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        upload.write(chunk).await.unwrap();
        rest = tail;
    }
    upload.finish().await.unwrap();
}

/// Reads the file under `key` whole: its reported size and its bytes.
async fn read(store: &dyn DocumentStore, key: &StorageKey) -> (u64, Vec<u8>) {
    let mut download = store.open(key).await.unwrap();
    let size = download.size();
    let mut data = Vec::new();
    while let Some(chunk) = download.next_chunk().await.unwrap() {
        assert!(!chunk.is_empty(), "a download yielded an empty chunk before its end");
        data.extend_from_slice(&chunk);
    }
    (size, data)
}

/// Asserts `actual` is `expected`, naming the first difference rather than printing megabytes.
fn assert_same_bytes(actual: &[u8], expected: &[u8]) {
    if let Some(at) = actual.iter().zip(expected).position(|(a, e)| a != e) {
        panic!("the bytes read back differ from those written at offset {at}");
    }
    assert_eq!(actual.len(), expected.len(), "the file read back has the wrong length");
}

async fn assert_not_found(store: &dyn DocumentStore, key: &StorageKey) {
    match store.open(key).await {
        Err(StorageError::NotFound) => {}
        Err(other) => panic!("{key} should be NotFound, got {other:?}"),
        Ok(download) => panic!("{key} should be NotFound, but opened with size {}", download.size()),
    }
}

pub async fn a_file_written_in_uneven_chunks_reads_back_byte_for_byte(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let key = key(&test_dir(), "uneven");
    let data = bytes(200 * 1024 + 17, 1);
    upload(
        &*store,
        &key,
        &data,
        &[1, 69_999, 7, 4_096, 65_536, 70_000, 2, 31_337, 513],
    )
    .await;
    let (size, read_back) = read(&*store, &key).await;
    assert_eq!(size, data.len() as u64);
    assert_same_bytes(&read_back, &data);
}

pub async fn a_twelve_mib_file_round_trips_across_part_boundaries(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let key = key(&test_dir(), "large");
    let data = bytes(12 * 1024 * 1024, 2);
    upload(&*store, &key, &data, &[64 * 1024]).await;
    let (size, read_back) = read(&*store, &key).await;
    assert_eq!(size, data.len() as u64);
    assert_same_bytes(&read_back, &data);
}

pub async fn an_empty_file_round_trips_with_size_zero(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let key = key(&test_dir(), "empty");
    upload(&*store, &key, &[], &[1]).await;
    let (size, read_back) = read(&*store, &key).await;
    assert_eq!(size, 0);
    assert!(read_back.is_empty());
}

pub async fn nothing_is_readable_before_finish_or_after_abort(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let dir = test_dir();
    let data = bytes(100 * 1024, 3);

    let aborted = key(&dir, "aborted");
    let mut upload = store.create(&aborted).await.unwrap();
    upload.write(&data).await.unwrap();
    assert_not_found(&*store, &aborted).await;
    upload.abort().await.unwrap();
    assert_not_found(&*store, &aborted).await;

    let finished = key(&dir, "finished");
    let mut upload = store.create(&finished).await.unwrap();
    upload.write(&data).await.unwrap();
    assert_not_found(&*store, &finished).await;
    upload.finish().await.unwrap();
    assert_same_bytes(&read(&*store, &finished).await.1, &data);
}

pub async fn a_dropped_upload_leaves_nothing_readable(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let key = key(&test_dir(), "dropped");
    let mut upload = store.create(&key).await.unwrap();
    upload.write(&bytes(100 * 1024, 4)).await.unwrap();
    drop(upload);
    assert_not_found(&*store, &key).await;
}

pub async fn a_missing_key_or_a_mere_prefix_is_not_found(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let dir = test_dir();
    assert_not_found(&*store, &key(&dir, "never-written")).await;

    let file = key(&dir, "folder/file");
    let data = bytes(1_000, 5);
    upload(&*store, &file, &data, &[1_000]).await;
    let prefix = key(&dir, "folder");
    assert_not_found(&*store, &prefix).await;
    store.delete(&prefix).await.unwrap();
    assert_same_bytes(&read(&*store, &file).await.1, &data);
}

pub async fn delete_removes_a_file_and_deleting_again_is_ok(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let dir = test_dir();
    let key = key(&dir, "doomed");
    upload(&*store, &key, &bytes(10_000, 6), &[4_096]).await;
    store.delete(&key).await.unwrap();
    assert_not_found(&*store, &key).await;
    store.delete(&key).await.unwrap();
    store.delete(&self::key(&dir, "never-written")).await.unwrap();
}

pub async fn concurrent_uploads_each_read_back_their_own_bytes(h: &impl DocumentStoreHarness) {
    let store = h.store();
    let dir = test_dir();
    let files: Vec<(StorageKey, Vec<u8>)> = (0..8u64)
        .map(|i| {
            (
                key(&dir, &format!("file-{i}")),
                bytes(256 * 1024 + 1_000 * i as usize, 100 + i),
            )
        })
        .collect();
    let uploads: Vec<_> = files
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, (key, data))| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { upload(&*store, &key, &data, &[3_000 + 7_919 * i, 65_536]).await })
        })
        .collect();
    for upload in uploads {
        upload.await.unwrap();
    }
    for (key, data) in &files {
        let (size, read_back) = read(&*store, key).await;
        assert_eq!(size, data.len() as u64, "{key}");
        assert_same_bytes(&read_back, data);
    }
}
