//! The ports a document use-case test sets up, and the services over them: a mocked store and
//! limiter, the in-memory file store, a fixed clock.

use app::documents::{DocumentServices, UploadLimits};
use testkit::FixedClock;
use testkit::memory::MemoryDocumentStore;
use testkit::mocks::{MockRateLimiter, MockStore, MockTextReader};

pub struct World {
    pub store: MockStore,
    pub files: MemoryDocumentStore,
    pub clock: FixedClock,
    pub limiter: MockRateLimiter,
    pub reader: MockTextReader,
    pub max_bytes: u64,
}

impl World {
    pub fn new(store: MockStore, limiter: MockRateLimiter) -> Self {
        Self {
            store,
            files: MemoryDocumentStore::new(),
            clock: FixedClock::default(),
            limiter,
            reader: MockTextReader::new(),
            max_bytes: 1_000_000,
        }
    }

    pub fn services(&self) -> DocumentServices<'_> {
        DocumentServices {
            store: &self.store,
            files: &self.files,
            clock: &self.clock,
            limiter: &self.limiter,
            reader: &self.reader,
            limits: UploadLimits {
                max_bytes: self.max_bytes,
                quota_bytes: 1_000_000_000,
                per_user_per_hour: 10_000,
            },
        }
    }
}
