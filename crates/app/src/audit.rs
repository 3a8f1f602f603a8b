//! Sealing and verifying the audit chain. The hashing rule is `domain`'s; this module walks the
//! stored chain and says whether it is whole, or where it first breaks.

use domain::ChainHash;
use ports::{AuditLog, StoreError};
use uuid::Uuid;

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

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub entry_id: Option<Uuid>,
    pub problem: ChainProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    #[error("entry {expected} is missing (the next stored entry is {found})")]
    Missing { expected: i64, found: i64 },
    #[error("the entry's content does not match its hash (changed after sealing)")]
    ContentChanged,
    #[error("the entry does not link to the hash of the entry before it")]
    BrokenLink,
    #[error("the chain head says {head_seq} entries were sealed, but the chain ends at {last_seq}")]
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

/// Walks the whole sealed chain, oldest first, recomputing every hash.
///
/// # Errors
/// [`StoreError`] when the store fails (including a row that cannot be read as an entry).
pub async fn verify_chain(log: &(impl AuditLog + ?Sized)) -> Result<VerifyReport, StoreError> {
    let unsealed = log.unsealed_count().await?;
    let mut verified = 0u64;
    let mut last: Option<(i64, ChainHash)> = None;
    loop {
        let after = after_seq(&last);
        let page = log.sealed_entries(after, BATCH).await?;
        let page_len = page.len();
        for stored in page {
            let Some(seal) = stored.seal else { continue };
            let broken = |problem| ChainBreak {
                seq: seal.seq,
                entry_id: Some(stored.entry.id),
                problem,
            };
            let expected = after_seq(&last) + 1;
            if seal.seq != expected {
                let problem = ChainProblem::Missing {
                    expected,
                    found: seal.seq,
                };
                return Ok(report(
                    verified,
                    unsealed,
                    ChainBreak {
                        seq: expected,
                        entry_id: None,
                        problem,
                    },
                ));
            }
            if seal.prev_hash != last.as_ref().map(|(_, hash)| *hash) {
                return Ok(report(verified, unsealed, broken(ChainProblem::BrokenLink)));
            }
            if stored.entry.chain_hash(seal.seq, seal.prev_hash.as_ref()) != seal.hash {
                return Ok(report(verified, unsealed, broken(ChainProblem::ContentChanged)));
            }
            verified += 1;
            last = Some((seal.seq, seal.hash));
        }
        if page_len < BATCH as usize {
            break;
        }
    }
    let head = log.chain_head().await?;
    let last_seq = after_seq(&last);
    let head_seq = head.as_ref().map_or(0, |h| h.seq);
    let head_matches = match (&head, &last) {
        (None, None) => true,
        (Some(head), Some((seq, hash))) => head.seq == *seq && head.hash == *hash,
        _ => false,
    };
    if !head_matches {
        let problem = ChainProblem::HeadMismatch { head_seq, last_seq };
        return Ok(report(
            verified,
            unsealed,
            ChainBreak {
                seq: last_seq + 1,
                entry_id: None,
                problem,
            },
        ));
    }
    Ok(VerifyReport {
        verified,
        unsealed,
        break_at: None,
    })
}

fn after_seq(last: &Option<(i64, ChainHash)>) -> i64 {
    last.as_ref().map_or(0, |(seq, _)| *seq)
}

fn report(verified: u64, unsealed: u64, at: ChainBreak) -> VerifyReport {
    VerifyReport {
        verified,
        unsealed,
        break_at: Some(at),
    }
}
