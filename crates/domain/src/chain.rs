//! The audit chain's rules, pure: linking a batch of entries after the chain head, and checking a
//! stored chain entry by entry. The sealers of both stores only lock, read, link and write; `audit
//! verify` only reads and checks. Neither can disagree with the other about a hash.

use uuid::Uuid;

use crate::{AuditEntry, ChainHash, NewAuditEntry, Seal};

/// The last sealed link of the chain; kept apart from the entries so that deleting the newest
/// entries is detected too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: ChainHash,
}

/// The seals of `entries`, in order, linked after `head` (`None` before anything was sealed),
/// and the new head (`None` only when there is nothing to link and no head).
pub fn link<'a>(
    head: Option<ChainHead>,
    entries: impl IntoIterator<Item = &'a NewAuditEntry>,
) -> (Vec<Seal>, Option<ChainHead>) {
    let mut last = head;
    let seals = entries
        .into_iter()
        .map(|entry| {
            let seq = last.map_or(1, |h| h.seq + 1);
            let prev_hash = last.map(|h| h.hash);
            let hash = entry.chain_hash(seq, prev_hash.as_ref());
            last = Some(ChainHead { seq, hash });
            Seal { seq, prev_hash, hash }
        })
        .collect();
    (seals, last)
}

/// The first place a stored chain does not hold.
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

/// Checks sealed entries handed to it in `seq` order, page after page, recomputing each hash.
#[derive(Debug, Clone, Default)]
pub struct ChainVerifier {
    verified: u64,
    last: Option<ChainHead>,
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// The `seq` after which the next entries are wanted.
    pub fn after_seq(&self) -> i64 {
        self.last.map_or(0, |h| h.seq)
    }

    /// Entries that held so far.
    pub fn verified(&self) -> u64 {
        self.verified
    }

    /// Checks the next stored entry; an unsealed one is passed over.
    ///
    /// # Errors
    /// [`ChainBreak`] when the entry is not the next link, does not link to the one before, or
    /// no longer matches its hash.
    pub fn check(&mut self, stored: &AuditEntry) -> Result<(), ChainBreak> {
        let Some(seal) = &stored.seal else {
            return Ok(());
        };
        let expected = self.after_seq() + 1;
        let broken = |problem| ChainBreak {
            seq: seal.seq,
            entry_id: Some(stored.entry.id),
            problem,
        };
        if seal.seq != expected {
            return Err(ChainBreak {
                seq: expected,
                entry_id: None,
                problem: ChainProblem::Missing {
                    expected,
                    found: seal.seq,
                },
            });
        }
        if seal.prev_hash != self.last.map(|h| h.hash) {
            return Err(broken(ChainProblem::BrokenLink));
        }
        if stored.entry.chain_hash(seal.seq, seal.prev_hash.as_ref()) != seal.hash {
            return Err(broken(ChainProblem::ContentChanged));
        }
        self.verified += 1;
        self.last = Some(ChainHead {
            seq: seal.seq,
            hash: seal.hash,
        });
        Ok(())
    }

    /// After the last entry: the stored head must be the last link, so deleting the newest
    /// entries shows too. Returns how many entries were verified.
    ///
    /// # Errors
    /// [`ChainProblem::HeadMismatch`] when it is not.
    pub fn finish(&self, head: Option<&ChainHead>) -> Result<u64, ChainBreak> {
        if head == self.last.as_ref() {
            return Ok(self.verified);
        }
        let last_seq = self.after_seq();
        Err(ChainBreak {
            seq: last_seq + 1,
            entry_id: None,
            problem: ChainProblem::HeadMismatch {
                head_seq: head.map_or(0, |h| h.seq),
                last_seq,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{Actor, AuditAction};

    fn entries(n: usize) -> Vec<NewAuditEntry> {
        (0..n)
            .map(|_| NewAuditEntry::new(Uuid::now_v7(), Utc::now(), AuditAction::LoginFailed, Actor::anonymous()))
            .collect()
    }

    fn sealed(entries: &[NewAuditEntry], seals: Vec<Seal>) -> Vec<AuditEntry> {
        entries
            .iter()
            .cloned()
            .zip(seals)
            .map(|(entry, seal)| AuditEntry {
                entry,
                seal: Some(seal),
            })
            .collect()
    }

    #[test]
    fn batches_linked_one_after_another_verify_as_one_chain() {
        let (first, second) = (entries(3), entries(2));
        let (seals_1, head_1) = link(None, &first);
        let (seals_2, head_2) = link(head_1, &second);
        assert_eq!(seals_2[0].seq, 4);
        assert_eq!(seals_2[0].prev_hash, head_1.map(|h| h.hash));
        let mut stored = sealed(&first, seals_1);
        stored.extend(sealed(&second, seals_2));
        let mut verifier = ChainVerifier::new();
        for entry in &stored {
            verifier.check(entry).unwrap();
        }
        assert_eq!(verifier.finish(head_2.as_ref()), Ok(5));
        assert_eq!(link(None, &[]), (vec![], None));
    }

    #[test]
    fn a_changed_entry_a_missing_one_and_a_stale_head_are_each_named() {
        let entries = entries(3);
        let (seals, head) = link(None, &entries);
        let stored = sealed(&entries, seals);

        let mut changed = stored.clone();
        changed[1].entry.resource_id = Some("tampered".into());
        let mut verifier = ChainVerifier::new();
        verifier.check(&changed[0]).unwrap();
        assert_eq!(
            verifier.check(&changed[1]).unwrap_err().problem,
            ChainProblem::ContentChanged
        );

        let mut verifier = ChainVerifier::new();
        verifier.check(&stored[0]).unwrap();
        let missing = verifier.check(&stored[2]).unwrap_err();
        assert_eq!(missing.problem, ChainProblem::Missing { expected: 2, found: 3 });

        let mut verifier = ChainVerifier::new();
        verifier.check(&stored[0]).unwrap();
        verifier.check(&stored[1]).unwrap();
        let stale = verifier.finish(head.as_ref()).unwrap_err();
        assert_eq!(
            stale.problem,
            ChainProblem::HeadMismatch {
                head_seq: 3,
                last_seq: 2
            }
        );
    }
}
