//! The in-memory document store passes the suite the local directory and S3 pass.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use ports::DocumentStore;
use testkit::conformance::document_store::DocumentStoreHarness;
use testkit::memory::MemoryDocumentStore;

struct Harness(Arc<MemoryDocumentStore>);

impl DocumentStoreHarness for Harness {
    fn store(&self) -> Arc<dyn DocumentStore> {
        Arc::clone(&self.0) as Arc<dyn DocumentStore>
    }
}

async fn harness() -> Option<Harness> {
    Some(Harness(Arc::new(MemoryDocumentStore::new())))
}

testkit::document_store_conformance_tests!(harness());
