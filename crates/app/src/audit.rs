//! Sealing and verifying the audit chain. The rules (hashing, linking, checking) are `domain`'s;
//! this module walks the stored chain page by page and says whether it is whole, or where it
//! first breaks.

use domain::ChainVerifier;
pub use domain::{ChainBreak, ChainProblem};
use ports::{AuditLog, StoreError};

/// How many entries one sealing or verifying step handles.
const BATCH: u32 = 1_000;

/// Seals every entry that is waiting; returns how many were sealed.
///
/// # Errors
/// [`StoreError`] when the store fails; what was sealed before the failure stays sealed.
pub async fn seal_all(log: &(impl AuditLog + ?Sized)) -> Result<u64, StoreError> {
    let mut total = 0u64;
    loop {
        let sealed = log.seal_pending(BATCH).await?;
        total += u64::from(sealed);
        if sealed < BATCH {
            return Ok(total);
        }
    }
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Sealed entries checked before the end of the chain or the first break.
    pub verified: u64,
    /// Entries written but not yet linked into the chain (not a failure).
    pub unsealed: u64,
    pub break_at: Option<ChainBreak>,
}

/// Walks the whole sealed chain, oldest first, a page at a time, with the chain's own rules
/// ([`ChainVerifier`]).
///
/// # Errors
/// [`StoreError`] when the store fails (including a row that cannot be read as an entry).
pub async fn verify_chain(log: &(impl AuditLog + ?Sized)) -> Result<VerifyReport, StoreError> {
    let unsealed = log.unsealed_count().await?;
    let mut verifier = ChainVerifier::new();
    let report = |verifier: &ChainVerifier, break_at| VerifyReport {
        verified: verifier.verified(),
        unsealed,
        break_at,
    };
    loop {
        let page = log.sealed_entries(verifier.after_seq(), BATCH).await?;
        for stored in &page {
            if let Err(broken) = verifier.check(stored) {
                return Ok(report(&verifier, Some(broken)));
            }
        }
        if page.len() < BATCH as usize {
            break;
        }
    }
    let head = log.chain_head().await?;
    Ok(report(&verifier, verifier.finish(head.as_ref()).err()))
}
