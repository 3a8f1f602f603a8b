//! The gas safety deadline chain of reg 36A. Reads every verified check, oldest first; never
//! allocates for an ordinary history (up to 32 checks sort on the stack).

use chrono::NaiveDate;

use crate::Evidence;
use crate::dates::Ymd;
use crate::reason::{GasCount, Outcome, Reason};
use crate::timing::in_date_status;

/// The check that sets the current deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasLink {
    /// When the check was made.
    pub check: NaiveDate,
    /// The date it counts as made on: the old deadline for a check in the window, else itself.
    pub counts_from: NaiveDate,
    /// The date by which the next check must be made.
    pub deadline: NaiveDate,
    pub count: GasCount,
}

/// Follows the chain of checks, given in date order, and returns the link that sets the
/// current deadline (`None` when there are no checks).
pub fn chain(sorted_checks: &[NaiveDate], months: u32, window_months: u32) -> Option<GasLink> {
    let months = i32::try_from(months).unwrap_or(i32::MAX);
    let window_months = i32::try_from(window_months).unwrap_or(i32::MAX);
    // (check, counts from, deadline, how it counted); the arithmetic is in year-month-day
    // form (see `Ymd`), converted back once at the end.
    let mut current: Option<(NaiveDate, Ymd, Ymd, GasCount)> = None;
    for &check in sorted_checks {
        let ymd = Ymd::from(check);
        let fresh = |count| (check, ymd, ymd.add_months(months), count);
        let next = match current {
            None => fresh(GasCount::FirstCheck),
            Some((.., deadline, _)) if ymd > deadline => fresh(GasCount::AfterDeadline),
            Some((.., deadline, _)) if ymd > deadline.add_months(-window_months) => {
                (check, deadline, deadline.add_months(months), GasCount::InWindow)
            }
            Some(_) => fresh(GasCount::BeforeWindow),
        };
        // The next deadline runs from the latest date a check was made or is treated as made
        // (reg 36A): a second check made before the date an in-window check counts from is
        // not the latest, so it cannot pull the deadline back.
        current = match current {
            Some(cur) if next.2 < cur.2 => Some(cur),
            _ => Some(next),
        };
    }
    current.map(|(check, counts_from, deadline, count)| GasLink {
        check,
        counts_from: counts_from.to_date(),
        deadline: deadline.to_date(),
        count,
    })
}

/// The gas requirement's outcome from verified checks plus, when judging pending evidence,
/// one `extra` check treated as verified.
pub(crate) fn outcome<'a>(
    checks: impl Iterator<Item = &'a Evidence>,
    months: u32,
    window_months: u32,
    today: NaiveDate,
    amber_days: u16,
) -> Outcome {
    let mut buffer = DateBuffer::new();
    checks.for_each(|check| buffer.push(check.issue_date));
    match chain(buffer.sorted(), months, window_months) {
        None => Outcome::missing(None),
        Some(link) => Outcome {
            status: in_date_status(link.deadline, today, amber_days),
            due: Some(link.deadline),
            last_done: Some(link.check),
            counts_from: Some(link.counts_from),
            reason: Reason::Gas(link.count),
        },
    }
}

const INLINE: usize = 32;

/// Dates on the stack, spilling to the heap only for a history longer than [`INLINE`].
struct DateBuffer {
    inline: [NaiveDate; INLINE],
    len: usize,
    spill: Vec<NaiveDate>,
}

impl DateBuffer {
    fn new() -> Self {
        Self {
            inline: [NaiveDate::MIN; INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, date: NaiveDate) {
        if !self.spill.is_empty() {
            self.spill.push(date);
        } else if self.len < INLINE {
            self.inline[self.len] = date;
            self.len += 1;
        } else {
            self.spill.extend_from_slice(&self.inline);
            self.spill.push(date);
        }
    }

    fn sorted(&mut self) -> &[NaiveDate] {
        let dates = if self.spill.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spill[..]
        };
        dates.sort_unstable();
        dates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_longer_than_the_stack_buffer_is_still_read_in_full() {
        let mut buffer = DateBuffer::new();
        let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        for i in (0..40u32).rev() {
            buffer.push(crate::dates::add_months(base, i * 12));
        }
        let sorted = buffer.sorted();
        assert_eq!(sorted.len(), 40);
        assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
    }
}
