//! Groups the evidence by requirement and review status once per evaluation, as one bit mask
//! of positions per group on the stack, so that each rule reads only its own evidence.
//! Never allocates; a property with more than 64 pieces of evidence is read by scanning.

use chrono::NaiveDate;

use crate::{Evidence, EvidenceStatus, RequirementType};

const STATUSES: usize = 3;
const BUCKETS: usize = RequirementType::COUNT * STATUSES;

const fn bucket(requirement: RequirementType, status: EvidenceStatus) -> usize {
    // Both are fieldless enums numbered from 0 in declaration order (VERIFIED, PENDING,
    // REJECTED), so the bucket is plain arithmetic.
    requirement.index() * STATUSES + status as usize
}

/// The evidence of one property, grouped.
pub(crate) struct Grouped<'a> {
    evidence: &'a [Evidence],
    /// Bit `i` of `masks[b]` is set when `evidence[i]` is in bucket `b` (up to 64 pieces).
    masks: [u64; BUCKETS],
    /// The latest issue date in each bucket (`NaiveDate::MIN` when empty) and the mask of the
    /// pieces issued that day: the most recent document governs, so most rules read only these.
    latest: [(NaiveDate, u64); BUCKETS],
}

impl<'a> Grouped<'a> {
    pub(crate) fn new(evidence: &'a [Evidence]) -> Self {
        let mut masks = [0u64; BUCKETS];
        let mut latest = [(NaiveDate::MIN, 0u64); BUCKETS];
        if evidence.len() <= 64 {
            for (i, e) in evidence.iter().enumerate() {
                let b = bucket(e.requirement, e.status);
                let bit = 1 << i;
                masks[b] |= bit;
                // Kept while grouping: one comparison per piece here is cheaper than a second
                // pass over each document requirement later.
                let (date, at_date) = &mut latest[b];
                if e.issue_date > *date {
                    (*date, *at_date) = (e.issue_date, bit);
                } else if e.issue_date == *date {
                    *at_date |= bit;
                }
            }
        }
        Self {
            evidence,
            masks,
            latest,
        }
    }

    /// The pieces of evidence for `requirement` with `status` that share the latest issue date.
    pub(crate) fn latest(&self, requirement: RequirementType, status: EvidenceStatus) -> Group<'a> {
        if self.evidence.len() <= 64 {
            Group::Masked {
                evidence: self.evidence,
                mask: self.latest[bucket(requirement, status)].1,
            }
        } else {
            let latest = self.of(requirement, status).map(|e| e.issue_date).max();
            Group::Scan {
                rest: self.evidence.iter(),
                requirement,
                status,
                on: latest,
            }
        }
    }

    /// The evidence for `requirement` with review status `status`, in the caller's order.
    pub(crate) fn of(&self, requirement: RequirementType, status: EvidenceStatus) -> Group<'a> {
        if self.evidence.len() <= 64 {
            Group::Masked {
                evidence: self.evidence,
                mask: self.masks[bucket(requirement, status)],
            }
        } else {
            Group::Scan {
                rest: self.evidence.iter(),
                requirement,
                status,
                on: None,
            }
        }
    }
}

/// An iterator over one group.
#[derive(Debug, Clone)]
pub(crate) enum Group<'a> {
    Masked {
        evidence: &'a [Evidence],
        mask: u64,
    },
    /// Reads the whole list; `on` keeps only the pieces issued that day.
    Scan {
        rest: std::slice::Iter<'a, Evidence>,
        requirement: RequirementType,
        status: EvidenceStatus,
        on: Option<NaiveDate>,
    },
}

impl<'a> Iterator for Group<'a> {
    type Item = &'a Evidence;

    fn next(&mut self) -> Option<&'a Evidence> {
        match self {
            Self::Masked { evidence, mask } => {
                if *mask == 0 {
                    return None;
                }
                let i = mask.trailing_zeros() as usize;
                *mask &= *mask - 1;
                evidence.get(i)
            }
            Self::Scan {
                rest,
                requirement,
                status,
                on,
            } => rest.find(|e| {
                e.requirement == *requirement && e.status == *status && on.is_none_or(|day| e.issue_date == day)
            }),
        }
    }

    // Walks the bits in one loop instead of matching the variant for every item: `for_each`,
    // `max` and `Chain` all go through `fold`.
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, mut f: F) -> B {
        match self {
            Self::Masked { evidence, mut mask } => {
                let mut acc = init;
                while mask != 0 {
                    let i = mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    if let Some(e) = evidence.get(i) {
                        acc = f(acc, e);
                    }
                }
                acc
            }
            scan => {
                let mut acc = init;
                for e in scan {
                    acc = f(acc, e);
                }
                acc
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_of_evidence_lands_in_its_own_bucket_however_many_there_are() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        for count in [0, 1, 63, 64, 65, 200] {
            let evidence: Vec<Evidence> = (0..count)
                .map(|i| {
                    let requirement = RequirementType::ALL[i % RequirementType::COUNT];
                    let status = [
                        EvidenceStatus::Verified,
                        EvidenceStatus::Pending,
                        EvidenceStatus::Rejected,
                    ][i % 3];
                    Evidence::new(requirement, status, day)
                })
                .collect();
            let grouped = Grouped::new(&evidence);
            let mut seen = 0;
            for requirement in RequirementType::ALL {
                for status in [
                    EvidenceStatus::Verified,
                    EvidenceStatus::Pending,
                    EvidenceStatus::Rejected,
                ] {
                    for e in grouped.of(requirement, status) {
                        assert_eq!((e.requirement, e.status), (requirement, status));
                        seen += 1;
                    }
                }
            }
            assert_eq!(seen, count);
            for requirement in RequirementType::ALL {
                let latest: Vec<_> = grouped.latest(requirement, EvidenceStatus::Verified).collect();
                let all: Vec<_> = grouped.of(requirement, EvidenceStatus::Verified).collect();
                assert_eq!(latest, all, "all were issued the same day");
            }
        }
    }
}
