//! The audit log: entries are appended inside the transactions of the changes they record and
//! linked into the hash chain afterwards by one sealer, so the chain never serialises requests.

use async_trait::async_trait;
pub use domain::ChainHead;
use domain::{AuditEntry, NewAuditEntry};

use crate::StoreError;

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an entry that records no other change (a refused login, a guard redirect).
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing is written then.
    async fn append(&self, entry: &NewAuditEntry) -> Result<(), StoreError>;

    /// Links up to `max` unsealed entries into the chain, in the order they were committed
    /// as far as the store can tell, and moves the chain head. Concurrent calls (from several
    /// instances) MUST NOT interleave: each entry gets exactly one `seq`, and `seq` has no gaps.
    /// Returns how many entries were sealed.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; a failed call seals nothing.
    async fn seal_pending(&self, max: u32) -> Result<u32, StoreError>;

    /// Sealed entries with `seq > after_seq`, in `seq` order, at most `limit` of them.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails, or a stored row cannot be read back as an entry.
    async fn sealed_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;

    /// The chain head, `None` before anything was sealed.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn chain_head(&self) -> Result<Option<ChainHead>, StoreError>;

    /// How many entries wait for the sealer.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn unsealed_count(&self) -> Result<u64, StoreError>;

    /// The newest entries about one client, newest first (sealed or not).
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn entries_for_client(&self, client: domain::ClientId, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;
}
